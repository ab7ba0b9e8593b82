package io.sparkneural.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkneural.train.AveragingRounds.RoundState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoundExchangeTest {
    private static final Runnable NEVER_KILLED = () -> { };

    private static RoundState state(Random random, int params, int updater, int steps) {
        float[] p = new float[params];
        float[] u = new float[updater];
        for (int i = 0; i < params; i++) p[i] = (float) random.nextGaussian();
        for (int i = 0; i < updater; i++) u[i] = random.nextFloat() * 1e-3f;
        return new RoundState(p, u, random.nextDouble(), steps);
    }

    private static RoundState copy(RoundState s) {
        return s == null ? null : new RoundState(s.params.clone(), s.updaterState.clone(), s.score, s.steps);
    }

    @Test
    void theEncodedAverageIsTheAverageEncoded() {
        Random random = new Random(9);
        List<RoundState> states = List.of(state(random, 1_000, 2_000, 3), new RoundState(new float[0], new float[0],
                Double.NaN, 0), state(random, 1_000, 2_000, 5), state(random, 1_000, 2_000, 4));
        byte[] expected = RoundState.average(states).toBytes();
        double[][] sum = new double[1][];
        byte[] roomy = new byte[expected.length + 100];
        byte[] got = RoundState.averageBytes(states, roomy, sum);
        assertSame(roomy, got);
        assertEquals(expected.length, RoundState.encodedSize(got));
        assertArrayEquals(expected, Arrays.copyOf(got, expected.length));
        // a buffer too small is replaced; the sums' array, now large enough, is kept
        double[] sums = sum[0];
        assertArrayEquals(expected, RoundState.averageBytes(states, new byte[10], sum));
        assertSame(sums, sum[0]);
        assertNull(RoundState.averageBytes(List.of(new RoundState(new float[0], new float[0], Double.NaN, 0)), roomy,
                sum));
    }

    @Test
    void decodingReusesArraysOfTheRightLengthOnly() {
        RoundState state = state(new Random(4), 30, 60, 2);
        RoundState reuse = state(new Random(5), 30, 10, 1);
        RoundState decoded = RoundState.fromBytes(state.toBytes(), reuse);
        assertSame(reuse.params, decoded.params);
        assertNotSame(reuse.updaterState, decoded.updaterState);
        assertArrayEquals(state.params, decoded.params);
        assertArrayEquals(state.updaterState, decoded.updaterState);
        assertEquals(state.score, decoded.score);
        assertEquals(state.steps, decoded.steps);
    }

    @ParameterizedTest(name = "in process: {0}")
    @ValueSource(booleans = {false, true})
    void everyWorkerGetsTheAverageAllGatherWouldHaveComputed(boolean inProcess) throws Exception {
        int workers = 3;
        int rounds = 4;
        Random random = new Random(7);
        // round 2: worker 1 has no minibatch left; round 3: nobody has
        RoundState[][] states = new RoundState[rounds][workers];
        for (int r = 0; r < rounds; r++) {
            for (int w = 0; w < workers; w++) {
                int steps = (r == 2 && w == 1) || r == 3 ? 0 : 5 + w;
                states[r][w] = steps == 0 ? new RoundState(new float[0], new float[0], Double.NaN, 0)
                        : state(random, 5_000, 10_000, steps);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try (RoundExchange exchange = new RoundExchange("127.0.0.1", inProcess)) {
            assertNotNull(exchange.address());
            List<Future<List<RoundState>>> results = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                results.add(pool.submit(() -> {
                    List<RoundState> got = new ArrayList<>();
                    try (RoundExchange.Client client = RoundExchange.Client.connect(exchange.address(), 11, 0, worker,
                            workers, rounds)) {
                        // the client reuses its arrays for the next round's average: keep copies
                        for (int r = 0; r < rounds; r++) {
                            got.add(copy(client.exchange(r, states[r][worker], NEVER_KILLED)));
                        }
                    }
                    return got;
                }));
            }
            for (int w = 0; w < workers; w++) {
                List<RoundState> got = results.get(w).get(30, TimeUnit.SECONDS);
                for (int r = 0; r < rounds; r++) {
                    RoundState expected = RoundState.average(List.of(states[r]));
                    if (expected == null) {
                        assertNull(got.get(r), "round " + r);
                        continue;
                    }
                    assertArrayEquals(expected.params, got.get(r).params, "worker " + w + ", round " + r);
                    assertArrayEquals(expected.updaterState, got.get(r).updaterState);
                    assertEquals(expected.score, got.get(r).score);
                    assertEquals(expected.steps, got.get(r).steps);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "in process: {0}")
    @ValueSource(booleans = {false, true})
    void workersInTheDriversJvmShareOneAverageInsteadOfEachReadingACopy(boolean inProcess) throws Exception {
        Random random = new Random(8);
        RoundState[] mine = {state(random, 100, 200, 3), state(random, 100, 200, 4)};
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RoundExchange exchange = new RoundExchange("127.0.0.1", inProcess)) {
            List<Future<RoundState>> got = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int worker = w;
                got.add(pool.submit(() -> {
                    try (RoundExchange.Client client = RoundExchange.Client.connect(exchange.address(), 16, 0, worker,
                            2, 1)) {
                        return client.exchange(0, mine[worker], NEVER_KILLED);
                    }
                }));
            }
            RoundState first = got.get(0).get(30, TimeUnit.SECONDS);
            RoundState second = got.get(1).get(30, TimeUnit.SECONDS);
            assertArrayEquals(RoundState.average(List.of(mine)).params, first.params);
            assertArrayEquals(first.params, second.params);
            if (inProcess) assertSame(first.params, second.params);
            else assertNotSame(first.params, second.params);
            long end = System.nanoTime() + 10_000_000_000L; // the socket's handler ends its side after replying
            while (exchange.openSessions() > 0 && System.nanoTime() < end) Thread.sleep(20);
            assertEquals(0, exchange.openSessions(), "both workers' connections ended");
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "in process: {0}")
    @ValueSource(booleans = {false, true})
    void aWorkerThatLeavesEarlyFailsTheOthersRoundInsteadOfHangingIt(boolean inProcess) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (RoundExchange exchange = new RoundExchange("127.0.0.1", inProcess)) {
            Random random = new Random(3);
            RoundExchange.Client leaver = RoundExchange.Client.connect(exchange.address(), 12, 0, 1, 2, 5);
            Future<RoundState> waiting = pool.submit(() -> {
                try (RoundExchange.Client stayer = RoundExchange.Client.connect(exchange.address(), 12, 0, 0, 2, 5)) {
                    return stayer.exchange(0, state(random, 10, 20, 1), NEVER_KILLED);
                }
            });
            Thread.sleep(200);
            leaver.close();
            Exception e = assertThrows(Exception.class,
                    () -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> waiting.get()));
            assertTrue(e.getCause() instanceof IOException, e.toString());
            assertTrue(e.getCause().getMessage().contains("worker 1 left the rounds after 0 of 5"), e.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "in process: {0}, waiting first: {1}")
    @CsvSource({"false, true", "false, false", "true, true", "true, false"})
    void aFailingWorkersReasonReachesTheOthersError(boolean inProcess, boolean waitingFirst) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (RoundExchange exchange = new RoundExchange("127.0.0.1", inProcess)) {
            Random random = new Random(4);
            RoundExchange.Client failing = RoundExchange.Client.connect(exchange.address(), 16, 0, 1, 2, 5);
            if (!waitingFirst) {
                failing.fail(new IllegalStateException("out of memory in layer 3"));
                failing.close();
            }
            Future<RoundState> waiting = pool.submit(() -> {
                try (RoundExchange.Client stayer = RoundExchange.Client.connect(exchange.address(), 16, 0, 0, 2, 5)) {
                    return stayer.exchange(0, state(random, 10, 20, 1), NEVER_KILLED);
                }
            });
            if (waitingFirst) {
                Thread.sleep(200);
                failing.fail(new IllegalStateException("out of memory in layer 3"));
                failing.close();
            }
            Exception e = assertThrows(Exception.class,
                    () -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> waiting.get()));
            assertTrue(e.getCause() instanceof IOException, e.toString());
            assertEquals("worker 1 failed: java.lang.IllegalStateException: out of memory in layer 3",
                    e.getCause().getMessage());
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "in process: {0}")
    @ValueSource(booleans = {false, true})
    void anAttemptWhoseOtherWorkerNeverCameIsForgottenBeforeTheNext(boolean inProcess) throws Exception {
        try (RoundExchange exchange = new RoundExchange("127.0.0.1", inProcess)) {
            RoundExchange.Client.connect(exchange.address(), 15, 0, 0, 2, 5).close();
            long end = System.nanoTime() + 10_000_000_000L;
            while (exchange.openSessions() == 0 && System.nanoTime() < end) Thread.sleep(20);
            Thread.sleep(200); // the connection's end has been handled: the session stays, waiting for worker 1
            assertEquals(1, exchange.openSessions());
            exchange.endAttempts();
            assertEquals(0, exchange.openSessions());
        }
    }

    @ParameterizedTest(name = "in process: {0}")
    @ValueSource(booleans = {false, true})
    void aKilledTaskStopsWaitingForTheAverage(boolean inProcess) throws Exception {
        try (RoundExchange exchange = new RoundExchange("127.0.0.1", inProcess);
             RoundExchange.Client alone = RoundExchange.Client.connect(exchange.address(), 13, 0, 0, 2, 5)) {
            RuntimeException killed = new IllegalStateException("killed");
            RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                    IllegalStateException.class, () -> alone.exchange(0, state(new Random(1), 10, 20, 1), () -> {
                        throw killed;
                    })));
            assertEquals("killed", e.getMessage());
        }
    }

    @Test
    void aConnectionWithoutTheTokenGetsNothing() throws Exception {
        try (RoundExchange exchange = new RoundExchange("127.0.0.1")) {
            RoundExchange.Address wrong = new RoundExchange.Address(exchange.address().host(), exchange.address().port(),
                    exchange.address().token() + 1);
            try (RoundExchange.Client stranger = RoundExchange.Client.connect(wrong, 14, 0, 0, 1, 1)) {
                IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(IOException.class,
                        () -> stranger.exchange(0, state(new Random(2), 10, 20, 1), NEVER_KILLED)));
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
            }
        }
    }

    @Test
    void noAddressMeansNoClient() {
        assertNull(RoundExchange.Client.connect(null, 1, 0, 0, 2, 1));
    }
}
