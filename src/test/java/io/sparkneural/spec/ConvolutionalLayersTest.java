package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** conv2d, maxpool2d, avgpool2d, globalavgpool, globalmaxpool, flatten and batchnorm, with Keras' defaults. */
class ConvolutionalLayersTest {

    private static final ActivationSpec RELU = ActivationSpec.of("relu");
    private static final String SEED = "conv2d(32, 3x3, relu) maxpool2d(2x2) conv2d(64, 3x3, relu) maxpool2d(2x2) "
            + "conv2d(64, 3x3, relu) flatten dense(64, relu) dropout(0.5) dense(10, softmax)";

    @Test
    void parsesTheSeedConvNetAndWritesItBackVerbatim() {
        NetworkSpec spec = NetworkSpec.parse(SEED);

        assertEquals(List.of(
                new Conv2dSpec(32, 3, RELU), Pool2dSpec.max(2),
                new Conv2dSpec(64, 3, RELU), Pool2dSpec.max(2),
                new Conv2dSpec(64, 3, RELU), new FlattenSpec(),
                new DenseSpec(64, RELU), new DropoutSpec(0.5), new DenseSpec(10, ActivationSpec.of("softmax"))),
                spec.layers());
        assertEquals(SEED, spec.toText());
        assertEquals(spec, NetworkSpec.parse(spec.toJson()));
        assertEquals(new DenseSpec(10, ActivationSpec.of("softmax")), spec.outputLayer());
        assertTrue(spec.isConvolutional());
        assertFalse(spec.isRecurrent());
    }

    @Test
    void conv2dDefaultsAsKeras() {
        Conv2dSpec conv = (Conv2dSpec) first("conv2d(8, 3x5)");

        assertEquals(new Conv2dSpec(8, 3, 5, 1, 1, "valid", ActivationSpec.LINEAR, 0.0, 0.0), conv);
    }

    @Test
    void kernelAndStrideMayBeSquareOrHeightByWidth() {
        assertEquals(new Conv2dSpec(32, 3, 3, 2, 2, "same", RELU, 0.0, 0.0),
                first("conv2d(32, 3, relu, stride=2, padding=same)"));
        assertEquals(new Conv2dSpec(32, 3, 5, 1, 2, "valid", RELU, 0.0, 0.0),
                first("conv2d(32, 3x5, relu, stride=1x2)"));
        assertEquals(first("conv2d(32, 3x3, relu)"), first("conv2d(filters=32, kernel=3, activation=relu)"));
        assertEquals(first("conv2d(32, 3x3, relu)"), first("CONV2D(32, 3X3, ReLU, Padding=VALID)"));
    }

    @Test
    void conv2dTakesWeightPenaltiesLikeDense() {
        assertEquals(new Conv2dSpec(16, 3, 3, 1, 1, "valid", RELU, 1e-4, 0.001),
                first("conv2d(16, 3x3, relu, l1=1e-4, l2=0.001)"));
    }

    @Test
    void poolStrideDefaultsToItsSize() {
        assertEquals(new Pool2dSpec("max", 2, 2, 2, 2, "valid"), first("maxpool2d(2)"));
        assertEquals(new Pool2dSpec("max", 2, 3, 2, 3, "valid"), first("maxpool2d(2x3)"));
        assertEquals(new Pool2dSpec("avg", 3, 3, 2, 2, "valid"), first("avgpool2d(3, stride=2)"));
        assertEquals(new Pool2dSpec("avg", 2, 2, 1, 1, "same"), first("avgpool2d(size=2x2, stride=1, padding=same)"));
    }

    @Test
    void layersWithoutArgumentsMayBeWrittenBareOrWithParentheses() {
        assertEquals(List.of(GlobalPoolSpec.avg(), GlobalPoolSpec.max(), new FlattenSpec(), new BatchNormSpec(),
                        GlobalPoolSpec.avg(), GlobalPoolSpec.max(), new FlattenSpec(), new BatchNormSpec(), new DenseSpec(1)),
                NetworkSpec.parse("globalavgpool globalmaxpool flatten batchnorm "
                        + "globalavgpool() globalmaxpool() flatten() batchnorm() dense(1)").layers());
    }

    @Test
    void batchnormDefaultsAsKerasAndTakesKeywords() {
        assertEquals(new BatchNormSpec(0.99, 0.001), first("batchnorm"));
        assertEquals(new BatchNormSpec(0.9, 1e-5), first("batchnorm(momentum=0.9, epsilon=1e-5)"));
    }

    @Test
    void acceptsKerasClassNames() {
        assertEquals(NetworkSpec.parse("maxpool2d(2) avgpool2d(2) globalavgpool globalmaxpool batchnorm dense(1)"),
                NetworkSpec.parse("MaxPooling2D(2) AveragePooling2D(2) GlobalAveragePooling2D GlobalMaxPooling2D "
                        + "BatchNormalization dense(1)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        SEED,
        "conv2d(32, 3x3, relu, stride=2x2, padding=same) conv2d(8, 3x5) dense(1)",
        "conv2d(16, 5x5, leaky_relu(0.1), l2=0.001) avgpool2d(3x3, stride=2x2) maxpool2d(2x2, padding=same) dense(1)",
        "conv2d(4, 1x1, stride=1x2) batchnorm(momentum=0.9, epsilon=1e-5) globalmaxpool dense(2, softmax)",
        "batchnorm conv2d(8, 3x3, relu) batchnorm globalavgpool dropout(0.25) dense(3, softmax)",
    })
    void roundTripsThroughTextAndJson(String text) {
        NetworkSpec spec = NetworkSpec.parse(text);

        assertEquals(text, spec.toText());
        assertEquals(spec, NetworkSpec.parse(spec.toText()));
        assertEquals(spec, NetworkSpec.parse(spec.toJson()));
    }

    @Test
    void writesCanonicalTextLeavingOutDefaults() {
        assertEquals("conv2d(32, 3x3, relu) maxpool2d(2x2) avgpool2d(2x2, stride=1x1) batchnorm dense(1)",
                NetworkSpec.parse("conv2d(32, 3, relu, stride=1, padding=valid, l1=0) maxpool2d(2, stride=2x2) "
                        + "avgpool2d(2x2, stride=1) batchnorm(momentum=0.99, epsilon=0.001) dense(1)").toText());
        assertEquals("conv2d(8, 3x3, padding=same) dense(1)",
                NetworkSpec.parse("conv2d(8, 3, linear, padding=same) dense(1)").toText());
    }

    @Test
    void writesJsonWithEveryField() {
        NetworkSpec spec = NetworkSpec.parse("conv2d(32, 3x5, relu, stride=2, padding=same) maxpool2d(2x2) batchnorm "
                + "globalavgpool flatten dense(1)");

        assertEquals("{\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":32,\"kernel\":\"3x5\",\"activation\":\"relu\",\"stride\":\"2x2\","
                + "\"padding\":\"same\",\"l1\":0.0,\"l2\":0.0},"
                + "{\"type\":\"maxpool2d\",\"size\":\"2x2\",\"stride\":\"2x2\",\"padding\":\"valid\"},"
                + "{\"type\":\"batchnorm\",\"momentum\":0.99,\"epsilon\":0.001},"
                + "{\"type\":\"globalavgpool\"},"
                + "{\"type\":\"flatten\"},"
                + "{\"type\":\"dense\",\"units\":1,\"activation\":\"linear\",\"l1\":0.0,\"l2\":0.0}]}", spec.toJson());
    }

    @Test
    void readsJsonSizesAsTextOrNumbersWithDefaultsLeftOut() {
        NetworkSpec expected = NetworkSpec.parse("conv2d(8, 3x3, relu) avgpool2d(2x2, stride=1x1) flatten dense(1)");

        assertEquals(expected, NetworkSpec.parse("[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":3,\"activation\":\"relu\"},"
                + "{\"type\":\"avgpool2d\",\"size\":\"2\",\"stride\":\"1x1\"},{\"type\":\"flatten\"},"
                + "{\"type\":\"dense\",\"units\":1}]"));
    }

    @Test
    void builderEqualsParsed() {
        NetworkSpec built = NetworkSpec.builder()
                .conv2d(32, 3, "relu").maxPool2d(2)
                .conv2d(64, 3, "relu", 2, "same").avgPool2d(2)
                .batchNorm().globalAvgPool()
                .dense(10, "softmax")
                .build();

        assertEquals(NetworkSpec.parse("conv2d(32, 3x3, relu) maxpool2d(2x2) conv2d(64, 3x3, relu, stride=2, padding=same) "
                + "avgpool2d(2x2) batchnorm globalavgpool dense(10, softmax)"), built);
        assertEquals(NetworkSpec.parse("conv2d(8, 3x3) globalmaxpool flatten dense(1)"),
                NetworkSpec.builder().conv2d(8, 3, "linear").globalMaxPool().flatten().dense(1).build());
    }

    @Test
    void recordsNormaliseCase() {
        assertEquals(new Pool2dSpec("max", 2, 2, 2, 2, "same"), new Pool2dSpec("MAX", 2, 2, 2, 2, "Same"));
        assertEquals(GlobalPoolSpec.avg(), new GlobalPoolSpec("AVG"));
        assertEquals(new Conv2dSpec(1, 1, 1, 1, 1, "same", RELU, 0, 0), new Conv2dSpec(1, 1, 1, 1, 1, "SAME", RELU, 0, 0));
    }

    @Test
    void layersKnowTheirType() {
        assertEquals("conv2d", new Conv2dSpec(1, 1, RELU).type());
        assertEquals("maxpool2d", Pool2dSpec.max(2).type());
        assertEquals("avgpool2d", Pool2dSpec.avg(2).type());
        assertEquals("globalavgpool", GlobalPoolSpec.avg().type());
        assertEquals("globalmaxpool", GlobalPoolSpec.max().type());
        assertEquals("flatten", new FlattenSpec().type());
        assertEquals("batchnorm", new BatchNormSpec().type());
    }

    @Test
    void classifiesNetworks() {
        assertTrue(NetworkSpec.parse("maxpool2d(2) dense(1)").isConvolutional());
        assertTrue(NetworkSpec.parse("globalavgpool dense(1)").isConvolutional());
        assertTrue(NetworkSpec.parse("flatten dense(1)").isConvolutional());
        assertFalse(NetworkSpec.parse("batchnorm dense(4, relu) dense(1)").isConvolutional());
        assertFalse(NetworkSpec.parse("dense(4, relu) dropout(0.1) dense(1)").isConvolutional());
        assertFalse(NetworkSpec.parse("dense(4, relu) dropout(0.1) dense(1)").isRecurrent());
    }

    private static LayerSpec first(String text) {
        return NetworkSpec.parse(text + " dense(1)").layers().get(0);
    }
}
