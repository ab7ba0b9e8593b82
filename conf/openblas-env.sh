# Sourced (sh or bash) before starting a JVM that runs ND4J: sets OPENBLAS_CORETYPE=SKYLAKEX where the CPU has the
# AVX-512 subsets OpenBLAS's SkylakeX kernels use; elsewhere leaves the environment as it is.
#
# Why: ND4J's OpenBLAS 0.3.19 picks its kernels by CPU model and does not know AMD's AVX-512 models (Zen 4, Zen 5).
# sgemm on one thread of the AMD EPYC (Zen 5) machines this project is measured on: 52 GFLOP/s with OPENBLAS_CORETYPE
# unset (OpenBLAS takes the CPU for a Barcelona: SSE3 kernels), 126 with Haswell (AVX2, what those machines'
# environment sets), 240 with SKYLAKEX. Where the CPU has AVX-512 a value naming other kernels is replaced, with a
# note on stderr; set SPARK_NEURAL_KEEP_OPENBLAS_CORETYPE=1 to keep it. Never forced where AVX-512 is missing: those
# kernels would stop the JVM with an illegal instruction. The same rule in Java: io.sparkneural.network.BlasKernels.
# SPARK_NEURAL_CPUINFO replaces /proc/cpuinfo (tests).
case "$(uname -m)" in
  x86_64|amd64)
    _sn_flags=" $(grep -m1 '^flags' "${SPARK_NEURAL_CPUINFO:-/proc/cpuinfo}" 2>/dev/null | cut -d: -f2) "
    _sn_avx512=yes
    for _sn_flag in avx512f avx512cd avx512bw avx512dq avx512vl; do
      case "$_sn_flags" in *" $_sn_flag "*) ;; *) _sn_avx512=no ;; esac
    done
    if [ "$_sn_avx512" = yes ] && [ -z "${SPARK_NEURAL_KEEP_OPENBLAS_CORETYPE:-}" ]; then
      case "${OPENBLAS_CORETYPE:-}" in
        SKYLAKEX|SkylakeX|skylakex) ;;
        "") OPENBLAS_CORETYPE=SKYLAKEX ;;
        *) echo "conf/openblas-env.sh: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE -> SKYLAKEX (this CPU has AVX-512)" >&2
           OPENBLAS_CORETYPE=SKYLAKEX ;;
      esac
      export OPENBLAS_CORETYPE
    fi
    unset _sn_flags _sn_avx512 _sn_flag
    ;;
esac
