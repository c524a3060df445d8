/*
 * Native CPU kernels for TensorFlow.js (DESA Studio).
 *
 * Why: the tfjs `cpu` backend runs GEMM, convolution gradients and every broadcasting
 * element-wise op in generic JavaScript loops; training is 200-500x slower than PyTorch.
 * These kernels take over the hot ops (see src/main/model/backend/native-kernels.ts, which
 * registers them and keeps the original kernels as fallback for anything not covered here).
 *
 * Build flags: -fno-math-errno and -fno-trapping-math let GCC vectorise the element-wise loops, including calls to
 * expf/sinf/cosf/logf through glibc's vector math library (libmvec, a few ulp like the scalar functions): SiLU,
 * sigmoid and softmax run several times faster. Nothing here reads errno or floating-point exception flags.
 *
 * Contract with the JS side: every function only reads and writes typed arrays that JavaScript
 * allocated (no external buffers, so it is safe inside Electron's V8 memory cage), float32 only,
 * shapes and strides passed as plain numbers or Int32Arrays. The JS side validates shapes.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#if defined(__x86_64__) && defined(__GLIBC__) && defined(__GNUC__) && !defined(__clang__)
/*
 * glibc declares its vector math functions (libmvec) only under -ffast-math, which would also break NaN handling;
 * declaring them here lets GCC vectorise loops that call expf/logf/sinf/cosf without it. HOT functions are compiled
 * twice, for AVX2 machines (8 lanes) and the x86-64-v2 baseline (4 lanes), and the loader picks one (ifunc).
 */
float expf(float) __attribute__((__simd__("notinbranch")));
float logf(float) __attribute__((__simd__("notinbranch")));
float sinf(float) __attribute__((__simd__("notinbranch")));
float cosf(float) __attribute__((__simd__("notinbranch")));
/* Only on loop functions called directly (GCC 12 fails to clone functions whose address is taken); their
 * resolvers are exported despite "hidden", hence the desa_ prefix. */
#define HOT __attribute__((target_clones("arch=x86-64-v3", "default"), visibility("hidden")))
#else
#define HOT
#endif

extern void openblas_set_num_threads(int);

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, NULL, "desa_kernels: N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_error(env, NULL, "desa_kernels: wrong number of arguments");
    return 0;
  }
  return 1;
}

static void *typed_data(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  size_t len;
  void *data;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &len, &data, &ab, &offset) != napi_ok) {
    napi_throw_type_error(env, NULL, "desa_kernels: expected a typed array");
    return NULL;
  }
  if (length) *length = len;
  /* V8 may hand out a NULL data pointer for empty arrays; callers treat NULL as an error, so give them a valid one. */
  static float empty_placeholder[1];
  return data ? data : (void *)empty_placeholder;
}

static int64_t get_int(napi_env env, napi_value v) {
  int64_t x = 0;
  napi_get_value_int64(env, v, &x);
  return x;
}

static double get_double(napi_env env, napi_value v) {
  double x = 0;
  napi_get_value_double(env, v, &x);
  return x;
}

/* ---------------------------------------------------------------- GEMM --- */
static void sgemm_xn(int transA, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                     float *C, int64_t ldc, int accumulate);


/*
 * batchMatMul(a, b, out, batchA, batchB, batch, M, N, K, transA, transB)
 * a: [batchA, M, K] (or [batchA, K, M] when transA), b: [batchB, K, N] (or [batchB, N, K]),
 * out: [batch, M, N]. Batch broadcasting follows tfjs: bi % batchA, bi % batchB.
 */
static napi_value BatchMatMul(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!get_args(env, info, 11, argv)) return NULL;
  const float *a = typed_data(env, argv[0], NULL);
  const float *b = typed_data(env, argv[1], NULL);
  float *out = typed_data(env, argv[2], NULL);
  if (!a || !b || !out) return NULL;
  int64_t batchA = get_int(env, argv[3]), batchB = get_int(env, argv[4]), batch = get_int(env, argv[5]);
  int M = (int)get_int(env, argv[6]), N = (int)get_int(env, argv[7]), K = (int)get_int(env, argv[8]);
  bool tA, tB;
  napi_get_value_bool(env, argv[9], &tA);
  napi_get_value_bool(env, argv[10], &tB);
  const int lda = tA ? M : K, ldb = tB ? K : N;
  for (int64_t bi = 0; bi < batch; bi++) {
    const float *ai = a + (bi % batchA) * (int64_t)M * K;
    const float *bb = b + (bi % batchB) * (int64_t)K * N;
    float *ci = out + bi * (int64_t)M * N;
    if (K == 0) {
      memset(ci, 0, sizeof(float) * (size_t)M * N);
      continue;
    }
    if (!tB) sgemm_xn(tA, M, N, K, ai, lda, bb, ldb, ci, N, 0);
    else cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, CblasTrans, M, N, K, 1.0f, ai, lda, bb, ldb, 0.0f, ci, N);
  }
  return NULL;
}

/* ------------------------------------------------- AVX-512 GEMM (NN) --- */
/*
 * C (M×N) = A (M×K, row-major, lda) · B (K×N, row-major, ldb) [+ C when accumulate], for N a multiple of 16.
 * Why our own: Debian's OpenBLAS 0.3.21 does not know the newest AVX-512 CPUs (AMD Zen 4/5) and runs its AVX2
 * (Haswell) kernels there (hosts may also pin OPENBLAS_CORETYPE=Haswell); on this project's VM this register-blocked
 * kernel (8 rows × 32 columns of accumulators, B rows loaded once per k for all 8 rows) measured about 2× the AVX2
 * kernel for the convolution and Linear shapes. Used only where the CPU reports AVX-512F; DESA_NATIVE_GEMM=blas
 * turns it off (OpenBLAS everywhere).
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#define DESA_HAVE_GEMM512 1

/* A[r, k] of a row-major A (M×K, lda), or of Aᵀ when A is stored K×M (TA = 1). */
#define GEMM512_A(TA, r, k) ((TA) ? A[(k) * lda + (r)] : A[(r) * lda + (k)])
#define GEMM512_MICRO(TA, MR, NV)                                                                                   \
  static inline __attribute__((always_inline, target("avx512f"))) void gemm512_##TA##_##MR##x##NV(                 \
      int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C, int64_t ldc, int accumulate) { \
    __m512 acc[MR][NV];                                                                                             \
    _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) _Pragma("GCC unroll 2") for (int v = 0; v < NV; v++)       \
      acc[r][v] = accumulate ? _mm512_loadu_ps(C + r * ldc + 16 * v) : _mm512_setzero_ps();                         \
    for (int64_t k = 0; k < K; k++) {                                                                               \
      __m512 b[NV];                                                                                                 \
      _Pragma("GCC unroll 2") for (int v = 0; v < NV; v++) b[v] = _mm512_loadu_ps(B + k * ldb + 16 * v);           \
      _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                                                        \
        const __m512 a = _mm512_set1_ps(GEMM512_A(TA, r, k));                                                       \
        _Pragma("GCC unroll 2") for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(a, b[v], acc[r][v]);       \
      }                                                                                                             \
    }                                                                                                               \
    _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) _Pragma("GCC unroll 2") for (int v = 0; v < NV; v++)       \
      _mm512_storeu_ps(C + r * ldc + 16 * v, acc[r][v]);                                                            \
  }
GEMM512_MICRO(0, 8, 2)
GEMM512_MICRO(0, 1, 2)
GEMM512_MICRO(0, 8, 1)
GEMM512_MICRO(0, 1, 1)
GEMM512_MICRO(1, 8, 2)
GEMM512_MICRO(1, 1, 2)
GEMM512_MICRO(1, 8, 1)
GEMM512_MICRO(1, 1, 1)

/* C (M×N) = op(A)·B [+ C]; op(A) = A (M×K) or, with transA, Aᵀ of A stored K×M. N a multiple of 16. */
#define GEMM512_DRIVER(TA)                                                                                          \
  __attribute__((target("avx512f"))) static void gemm512_##TA(int64_t M, int64_t N, int64_t K, const float *A,     \
      int64_t lda, const float *B, int64_t ldb, float *C, int64_t ldc, int accumulate) {                            \
    for (int64_t j = 0; j < N; j += 32) {                                                                           \
      const int wide = N - j >= 32;                                                                                 \
      int64_t i = 0;                                                                                                \
      for (; i + 8 <= M; i += 8) {                                                                                  \
        const float *Ai = (TA) ? A + i : A + i * lda;                                                               \
        if (wide) gemm512_##TA##_8x2(K, Ai, lda, B + j, ldb, C + i * ldc + j, ldc, accumulate);                     \
        else gemm512_##TA##_8x1(K, Ai, lda, B + j, ldb, C + i * ldc + j, ldc, accumulate);                          \
      }                                                                                                             \
      for (; i < M; i++) {                                                                                          \
        const float *Ai = (TA) ? A + i : A + i * lda;                                                               \
        if (wide) gemm512_##TA##_1x2(K, Ai, lda, B + j, ldb, C + i * ldc + j, ldc, accumulate);                     \
        else gemm512_##TA##_1x1(K, Ai, lda, B + j, ldb, C + i * ldc + j, ldc, accumulate);                          \
      }                                                                                                             \
    }                                                                                                               \
  }
GEMM512_DRIVER(0)
GEMM512_DRIVER(1)
#endif

static int use_gemm512 = 0; /* set in Init from the CPU and DESA_NATIVE_GEMM */

/* C = op(A)·B (+ C when accumulate), row-major; op(A) = A (M×K, lda) or Aᵀ (A stored K×M, lda) when transA. Our
 * AVX-512 kernel where it applies (N a multiple of 16), else OpenBLAS. */
static void sgemm_xn(int transA, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                     float *C, int64_t ldc, int accumulate) {
#ifdef DESA_HAVE_GEMM512
  if (use_gemm512 && N % 16 == 0) {
    if (transA) gemm512_1(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
    else gemm512_0(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
    return;
  }
#endif
  if (K == 0) {
    if (!accumulate) for (int64_t i = 0; i < M; i++) memset(C + i * ldc, 0, sizeof(float) * (size_t)N);
    return;
  }
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, CblasNoTrans, (int)M, (int)N, (int)K, 1.0f, A, (int)lda,
              B, (int)ldb, accumulate ? 1.0f : 0.0f, C, (int)ldc);
}

static void sgemm_nn(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
                     int64_t ldc, int accumulate) {
  sgemm_xn(0, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

/* ------------------------------------------------------------- conv1d --- */
/*
 * 1-D convolution in NWC layout, as tfjs's conv1d lowers to conv2d with height 1.
 * x: [B, W, Cin], w: [k, Cin, Cout] (tfjs filter [1, k, Cin, Cout]), out: [B, outW, Cout].
 * Column j of the im2col matrix for output position o is x[o*stride - padLeft + j/Cin*dilation][j%Cin].
 */
typedef struct {
  int64_t B, W, Cin, outW, Cout, k, stride, dilation, padLeft;
} ConvGeom;

static int read_geom(napi_env env, napi_value *argv, ConvGeom *g) {
  g->B = get_int(env, argv[0]);
  g->W = get_int(env, argv[1]);
  g->Cin = get_int(env, argv[2]);
  g->outW = get_int(env, argv[3]);
  g->Cout = get_int(env, argv[4]);
  g->k = get_int(env, argv[5]);
  g->stride = get_int(env, argv[6]);
  g->dilation = get_int(env, argv[7]);
  g->padLeft = get_int(env, argv[8]);
  return 1;
}

/* Fill rows [o0, o0+rows) of the im2col matrix for batch element bIdx. */
static void im2col(const float *x, float *cols, const ConvGeom *g, int64_t bIdx, int64_t o0, int64_t rows) {
  const int64_t kc = g->k * g->Cin;
  const float *xb = x + bIdx * g->W * g->Cin;
  for (int64_t r = 0; r < rows; r++) {
    const int64_t o = o0 + r;
    float *row = cols + r * kc;
    for (int64_t t = 0; t < g->k; t++) {
      const int64_t pos = o * g->stride - g->padLeft + t * g->dilation;
      float *dst = row + t * g->Cin;
      if (pos < 0 || pos >= g->W) memset(dst, 0, sizeof(float) * (size_t)g->Cin);
      else memcpy(dst, xb + pos * g->Cin, sizeof(float) * (size_t)g->Cin);
    }
  }
}

/* conv1dForward(x, w, out, B, W, Cin, outW, Cout, k, stride, dilation, padLeft) */
static napi_value Conv1dForward(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  const float *w = typed_data(env, argv[1], NULL);
  float *out = typed_data(env, argv[2], NULL);
  if (!x || !w || !out) return NULL;
  ConvGeom g;
  read_geom(env, argv + 3, &g);
  const int64_t kc = g.k * g.Cin;
  float *cols = malloc(sizeof(float) * (size_t)(g.outW * kc));
  if (!cols) { napi_throw_error(env, NULL, "desa_kernels: out of memory (im2col)"); return NULL; }
  for (int64_t b = 0; b < g.B; b++) {
    im2col(x, cols, &g, b, 0, g.outW);
    sgemm_nn(g.outW, g.Cout, kc, cols, kc, w, g.Cout, out + b * g.outW * g.Cout, g.Cout, 0);
  }
  free(cols);
  return NULL;
}

/* conv1dBackpropInput(dy, w, dx, B, W, Cin, outW, Cout, k, stride, dilation, padLeft): dx = col2im(dy · wᵀ) */
static napi_value Conv1dBackpropInput(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  const float *dy = typed_data(env, argv[0], NULL);
  const float *w = typed_data(env, argv[1], NULL);
  float *dx = typed_data(env, argv[2], NULL);
  if (!dy || !w || !dx) return NULL;
  ConvGeom g;
  read_geom(env, argv + 3, &g);
  const int64_t kc = g.k * g.Cin;
  float *dcols = malloc(sizeof(float) * (size_t)(g.outW * kc + g.Cout * kc));
  if (!dcols) { napi_throw_error(env, NULL, "desa_kernels: out of memory (col2im)"); return NULL; }
  memset(dx, 0, sizeof(float) * (size_t)(g.B * g.W * g.Cin));
  float *wT = dcols + g.outW * kc; /* wᵀ (Cout × kc), so dy·wᵀ is a plain product for the AVX-512 GEMM */
  for (int64_t j = 0; j < kc; j++)
    for (int64_t c = 0; c < g.Cout; c++) wT[c * kc + j] = w[j * g.Cout + c];
  for (int64_t b = 0; b < g.B; b++) {
    sgemm_nn(g.outW, kc, g.Cout, dy + b * g.outW * g.Cout, g.Cout, wT, kc, dcols, kc, 0);
    float *dxb = dx + b * g.W * g.Cin;
    for (int64_t o = 0; o < g.outW; o++) {
      const float *row = dcols + o * kc;
      for (int64_t t = 0; t < g.k; t++) {
        const int64_t pos = o * g.stride - g.padLeft + t * g.dilation;
        if (pos < 0 || pos >= g.W) continue;
        float *dst = dxb + pos * g.Cin;
        const float *src = row + t * g.Cin;
        for (int64_t c = 0; c < g.Cin; c++) dst[c] += src[c];
      }
    }
  }
  free(dcols);
  return NULL;
}

/* conv1dBackpropFilter(x, dy, dw, B, W, Cin, outW, Cout, k, stride, dilation, padLeft): dw = Σ_b im2col(x_b)ᵀ · dy_b */
static napi_value Conv1dBackpropFilter(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  const float *dy = typed_data(env, argv[1], NULL);
  float *dw = typed_data(env, argv[2], NULL);
  if (!x || !dy || !dw) return NULL;
  ConvGeom g;
  read_geom(env, argv + 3, &g);
  const int64_t kc = g.k * g.Cin;
  float *cols = malloc(sizeof(float) * (size_t)(g.outW * kc));
  if (!cols) { napi_throw_error(env, NULL, "desa_kernels: out of memory (im2col)"); return NULL; }
  for (int64_t b = 0; b < g.B; b++) {
    im2col(x, cols, &g, b, 0, g.outW);
    sgemm_xn(1, kc, g.Cout, g.outW, cols, kc, dy + b * g.outW * g.Cout, g.Cout, dw, g.Cout, b > 0);
  }
  free(cols);
  return NULL;
}

/* ------------------------------------------------- broadcasting binary --- */
enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_MAX = 4, OP_MIN = 5, OP_SQDIFF = 6 };

static inline float apply_op(int op, float x, float y) {
  switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return x / y;
    case OP_MAX: return (x > y || isnan(x)) ? x : y;
    case OP_MIN: return (x < y || isnan(x)) ? x : y;
    default: { float d = x - y; return d * d; }
  }
}

/*
 * Advances the outer multi-index of a two-input broadcast loop by one row (an odometer over axes
 * rank-2 .. 0), keeping both inputs' element offsets in step.
 */
static inline void advance_outer(int64_t *idx, size_t rank, const int32_t *shape, const int32_t *as, const int32_t *bs,
                                 int64_t *aoff, int64_t *boff) {
  for (int64_t ax = (int64_t)rank - 2; ax >= 0; ax--) {
    idx[ax]++;
    *aoff += as[ax];
    *boff += bs[ax];
    if (idx[ax] < shape[ax]) return;
    *aoff -= (int64_t)as[ax] * shape[ax];
    *boff -= (int64_t)bs[ax] * shape[ax];
    idx[ax] = 0;
  }
}

/*
 * binary(op, a, b, out, outShape: Int32Array, aStrides: Int32Array, bStrides: Int32Array)
 * Strides are per output axis, 0 where that input is broadcast along it.
 */
static napi_value Binary(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) return NULL;
  const int op = (int)get_int(env, argv[0]);
  const float *a = typed_data(env, argv[1], NULL);
  const float *b = typed_data(env, argv[2], NULL);
  size_t n = 0;
  float *out = typed_data(env, argv[3], &n);
  size_t rank = 0;
  const int32_t *shape = typed_data(env, argv[4], &rank);
  const int32_t *as = typed_data(env, argv[5], NULL);
  const int32_t *bs = typed_data(env, argv[6], NULL);
  if (!a || !b || !out || !shape || !as || !bs) return NULL;
  if (rank == 0) { out[0] = apply_op(op, a[0], b[0]); return NULL; }
  const int64_t inner = shape[rank - 1];
  const int64_t ais = as[rank - 1], bis = bs[rank - 1];
  int64_t idx[16] = {0};
  int64_t aoff = 0, boff = 0;
  for (size_t o = 0; o < n; o += (size_t)inner) {
    float *dst = out + o;
    const float *pa = a + aoff, *pb = b + boff;
    /* Inner loops specialised by broadcast pattern so the compiler vectorises the common cases. */
    if (ais == 1 && bis == 1) {
      switch (op) {
        case OP_ADD: for (int64_t i = 0; i < inner; i++) dst[i] = pa[i] + pb[i]; break;
        case OP_SUB: for (int64_t i = 0; i < inner; i++) dst[i] = pa[i] - pb[i]; break;
        case OP_MUL: for (int64_t i = 0; i < inner; i++) dst[i] = pa[i] * pb[i]; break;
        case OP_DIV: for (int64_t i = 0; i < inner; i++) dst[i] = pa[i] / pb[i]; break;
        default: for (int64_t i = 0; i < inner; i++) dst[i] = apply_op(op, pa[i], pb[i]);
      }
    } else if (ais == 1 && bis == 0) {
      const float y = pb[0];
      switch (op) {
        case OP_ADD: for (int64_t i = 0; i < inner; i++) dst[i] = pa[i] + y; break;
        case OP_SUB: for (int64_t i = 0; i < inner; i++) dst[i] = pa[i] - y; break;
        case OP_MUL: for (int64_t i = 0; i < inner; i++) dst[i] = pa[i] * y; break;
        case OP_DIV: for (int64_t i = 0; i < inner; i++) dst[i] = pa[i] / y; break;
        default: for (int64_t i = 0; i < inner; i++) dst[i] = apply_op(op, pa[i], y);
      }
    } else if (ais == 0 && bis == 1) {
      const float x = pa[0];
      switch (op) {
        case OP_ADD: for (int64_t i = 0; i < inner; i++) dst[i] = x + pb[i]; break;
        case OP_SUB: for (int64_t i = 0; i < inner; i++) dst[i] = x - pb[i]; break;
        case OP_MUL: for (int64_t i = 0; i < inner; i++) dst[i] = x * pb[i]; break;
        case OP_DIV: for (int64_t i = 0; i < inner; i++) dst[i] = x / pb[i]; break;
        default: for (int64_t i = 0; i < inner; i++) dst[i] = apply_op(op, x, pb[i]);
      }
    } else {
      for (int64_t i = 0; i < inner; i++) dst[i] = apply_op(op, pa[i * ais], pb[i * bis]);
    }
    advance_outer(idx, rank, shape, as, bs, &aoff, &boff);
  }
  return NULL;
}

/* ------------------------------------------------------------ reduce --- */
/* reduce(x, out, outer, reduced, inner, mode) with mode 0 = sum, 1 = mean, 2 = max; double accumulation. */
static napi_value Reduce(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  float *out = typed_data(env, argv[1], NULL);
  if (!x || !out) return NULL;
  const int64_t outer = get_int(env, argv[2]), red = get_int(env, argv[3]), inner = get_int(env, argv[4]);
  const int mode = (int)get_int(env, argv[5]);
  if (inner == 1) {
    for (int64_t o = 0; o < outer; o++) {
      const float *p = x + o * red;
      if (mode == 2) {
        float m = -INFINITY;
        for (int64_t r = 0; r < red; r++) if (p[r] > m || isnan(p[r])) m = p[r];
        out[o] = m;
      } else {
        double s = 0;
        for (int64_t r = 0; r < red; r++) s += p[r];
        out[o] = (float)(mode == 1 ? s / (double)red : s);
      }
    }
    return NULL;
  }
  double *acc = malloc(sizeof(double) * (size_t)inner);
  if (!acc) { napi_throw_error(env, NULL, "desa_kernels: out of memory (reduce)"); return NULL; }
  for (int64_t o = 0; o < outer; o++) {
    const float *p = x + o * red * inner;
    for (int64_t i = 0; i < inner; i++) acc[i] = mode == 2 ? -INFINITY : 0.0;
    for (int64_t r = 0; r < red; r++) {
      const float *row = p + r * inner;
      if (mode == 2) {
        for (int64_t i = 0; i < inner; i++) if (row[i] > acc[i] || isnan(row[i])) acc[i] = row[i];
      } else {
        for (int64_t i = 0; i < inner; i++) acc[i] += row[i];
      }
    }
    float *dst = out + o * inner;
    for (int64_t i = 0; i < inner; i++) dst[i] = (float)(mode == 1 ? acc[i] / (double)red : acc[i]);
  }
  free(acc);
  return NULL;
}

/* softmax(x, out, rows, cols): softmax over the last axis, max-subtracted. */
HOT void desa_softmax_rows(const float *x, float *out, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; r++) {
    const float *p = x + r * cols;
    float *q = out + r * cols;
    /* max and sum over 16 independent lanes so that both vectorise (a single running max or double sum does not);
     * NaN is skipped by the max as before, and reaches every output through the sum */
    float lm[16];
    double ls[16];
    for (int l = 0; l < 16; l++) { lm[l] = -INFINITY; ls[l] = 0; }
    const int64_t body = cols - cols % 16;
    for (int64_t c = 0; c < body; c += 16)
      for (int l = 0; l < 16; l++) lm[l] = p[c + l] > lm[l] ? p[c + l] : lm[l];
    float m = -INFINITY;
    for (int l = 0; l < 16; l++) if (lm[l] > m) m = lm[l];
    for (int64_t c = body; c < cols; c++) if (p[c] > m) m = p[c];
    for (int64_t c = 0; c < cols; c++) q[c] = expf(p[c] - m); /* a separate loop, so expf vectorises */
    for (int64_t c = 0; c < body; c += 16)
      for (int l = 0; l < 16; l++) ls[l] += q[c + l];
    double s = 0;
    for (int l = 0; l < 16; l++) s += ls[l];
    for (int64_t c = body; c < cols; c++) s += q[c];
    const float inv = (float)(1.0 / s);
    for (int64_t c = 0; c < cols; c++) q[c] *= inv;
  }
}

static napi_value Softmax(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  float *out = typed_data(env, argv[1], NULL);
  if (!x || !out) return NULL;
  desa_softmax_rows(x, out, get_int(env, argv[2]), get_int(env, argv[3]));
  return NULL;
}

HOT void desa_unary_loop(int op, const float *x, float *out, size_t n, float alpha) {
  switch (op) {
    case 0: for (size_t i = 0; i < n; i++) out[i] = x[i] < 0 ? 0.0f : x[i]; break;
    case 1: for (size_t i = 0; i < n; i++) out[i] = isnan(x[i]) ? NAN : (x[i] > 0 ? 1.0f : alpha); break;
    case 2: for (size_t i = 0; i < n; i++) out[i] = expf(x[i]); break;
    case 3: for (size_t i = 0; i < n; i++) out[i] = -x[i]; break;
    case 4: for (size_t i = 0; i < n; i++) out[i] = x[i] * x[i]; break;
    case 5: for (size_t i = 0; i < n; i++) out[i] = sqrtf(x[i]); break;
    case 6: for (size_t i = 0; i < n; i++) out[i] = 1.0f / sqrtf(x[i]); break;
    case 7: for (size_t i = 0; i < n; i++) out[i] = 1.0f / (1.0f + expf(-x[i])); break;
    case 8: for (size_t i = 0; i < n; i++) out[i] = erff(x[i]); break;
    case 9: for (size_t i = 0; i < n; i++) out[i] = sinf(x[i]); break;
    case 10: for (size_t i = 0; i < n; i++) out[i] = cosf(x[i]); break;
    case 11: for (size_t i = 0; i < n; i++) out[i] = fabsf(x[i]); break;
    case 12: for (size_t i = 0; i < n; i++) out[i] = tanhf(x[i]); break;
    case 13: for (size_t i = 0; i < n; i++) out[i] = logf(x[i]); break;
    case 14: for (size_t i = 0; i < n; i++) out[i] = floorf(x[i]); break;
    default: for (size_t i = 0; i < n; i++) out[i] = 1.0f / x[i];
  }
}

/*
 * unary(op, x, out, alpha): 0 relu, 1 step (x > 0 ? 1 : alpha; NaN stays NaN), 2 exp, 3 neg, 4 square, 5 sqrt,
 * 6 rsqrt, 7 sigmoid, 8 erf, 9 sin, 10 cos, 11 abs, 12 tanh, 13 log, 14 floor, 15 reciprocal.
 * erf is the C library's (exact to float32, as PyTorch); tfjs's JS kernel uses a 1.5e-7 approximation.
 */
static napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  const int op = (int)get_int(env, argv[0]);
  size_t n = 0;
  const float *x = typed_data(env, argv[1], &n);
  float *out = typed_data(env, argv[2], NULL);
  if (!x || !out) return NULL;
  desa_unary_loop(op, x, out, n, (float)get_double(env, argv[3]));
  return NULL;
}

/*
 * compare(op, a, b, out: Uint8Array, outShape, aStrides, bStrides): 0 ==, 1 !=, 2 >, 3 >=, 4 <, 5 <=,
 * broadcasting like binary(); writes tfjs 'bool' (0/1 bytes). NaN compares false (true for !=), as in JS.
 */
static napi_value Compare(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) return NULL;
  const int op = (int)get_int(env, argv[0]);
  const float *a = typed_data(env, argv[1], NULL);
  const float *b = typed_data(env, argv[2], NULL);
  size_t n = 0;
  uint8_t *out = typed_data(env, argv[3], &n);
  size_t rank = 0;
  const int32_t *shape = typed_data(env, argv[4], &rank);
  const int32_t *as = typed_data(env, argv[5], NULL);
  const int32_t *bs = typed_data(env, argv[6], NULL);
  if (!a || !b || !out || !shape || !as || !bs) return NULL;
  if (rank > 16) { napi_throw_range_error(env, NULL, "desa_kernels: rank > 16"); return NULL; }
  const int64_t inner = rank ? shape[rank - 1] : 1;
  const int64_t ais = rank ? as[rank - 1] : 0, bis = rank ? bs[rank - 1] : 0;
  int64_t idx[16] = {0};
  int64_t aoff = 0, boff = 0;
  for (size_t o = 0; o < n; o += (size_t)inner) {
    const float *pa = a + aoff, *pb = b + boff;
    uint8_t *dst = out + o;
    for (int64_t i = 0; i < inner; i++) {
      const float x = pa[i * ais], y = pb[i * bis];
      switch (op) {
        case 0: dst[i] = x == y; break;
        case 1: dst[i] = x != y; break;
        case 2: dst[i] = x > y; break;
        case 3: dst[i] = x >= y; break;
        case 4: dst[i] = x < y; break;
        default: dst[i] = x <= y;
      }
    }
    advance_outer(idx, rank, shape, as, bs, &aoff, &boff);
  }
  return NULL;
}

/*
 * stridedCopy(src, dst, size: Int32Array, srcStrides: Int32Array, dstStrides: Int32Array, srcOffset, dstOffset)
 * Copies the box `size` of 4-byte elements: dst[dstOffset + Σ i·dstStride] = src[srcOffset + Σ i·srcStride].
 * One kernel serves Slice (src offset at `begin`), PadV2 (dst offset at the pads), SplitV (several slices)
 * and Reverse (negative source strides). Strides may be negative; offsets are element indices.
 */
static napi_value StridedCopy(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) return NULL;
  const uint32_t *src = typed_data(env, argv[0], NULL);
  uint32_t *dst = typed_data(env, argv[1], NULL);
  size_t rank = 0;
  const int32_t *size = typed_data(env, argv[2], &rank);
  const int32_t *ss = typed_data(env, argv[3], NULL);
  const int32_t *ds = typed_data(env, argv[4], NULL);
  if (!src || !dst || !size || !ss || !ds) return NULL;
  if (rank > 16) { napi_throw_range_error(env, NULL, "desa_kernels: rank > 16"); return NULL; }
  int64_t soff = get_int(env, argv[5]), doff = get_int(env, argv[6]);
  int64_t total = 1;
  for (size_t ax = 0; ax < rank; ax++) total *= size[ax];
  if (total == 0) return NULL;
  if (rank == 0) { dst[doff] = src[soff]; return NULL; }
  const int64_t inner = size[rank - 1], sis = ss[rank - 1], dis = ds[rank - 1];
  int64_t idx[16] = {0};
  for (int64_t o = 0; o < total; o += inner) {
    if (sis == 1 && dis == 1) memcpy(dst + doff, src + soff, sizeof(uint32_t) * (size_t)inner);
    else for (int64_t i = 0; i < inner; i++) dst[doff + i * dis] = src[soff + i * sis];
    for (int64_t ax = (int64_t)rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      soff += ss[ax];
      doff += ds[ax];
      if (idx[ax] < size[ax]) break;
      soff -= (int64_t)ss[ax] * size[ax];
      doff -= (int64_t)ds[ax] * size[ax];
      idx[ax] = 0;
    }
  }
  return NULL;
}

/* softmaxGrad(y, dy, dx, rows, cols): dx = y·(dy − Σ dy·y) per row, the gradient of softmax over the last axis. */
static napi_value SoftmaxGrad(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!get_args(env, info, 5, argv)) return NULL;
  const float *y = typed_data(env, argv[0], NULL);
  const float *dy = typed_data(env, argv[1], NULL);
  float *dx = typed_data(env, argv[2], NULL);
  if (!y || !dy || !dx) return NULL;
  const int64_t rows = get_int(env, argv[3]), cols = get_int(env, argv[4]);
  for (int64_t r = 0; r < rows; r++) {
    const float *py = y + r * cols, *pdy = dy + r * cols;
    float *q = dx + r * cols;
    double s = 0;
    for (int64_t c = 0; c < cols; c++) s += pdy[c] * py[c];
    const float fs = (float)s;
    for (int64_t c = 0; c < cols; c++) q[c] = pdy[c] * py[c] - fs * py[c];
  }
  return NULL;
}

/* transpose(x, out, inShape: Int32Array, perm: Int32Array) for any rank up to 16 and 4-byte elements. */
static napi_value Transpose(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  size_t n = 0;
  const uint32_t *x = typed_data(env, argv[0], &n);
  uint32_t *out = typed_data(env, argv[1], NULL);
  size_t rank = 0;
  const int32_t *shape = typed_data(env, argv[2], &rank);
  const int32_t *perm = typed_data(env, argv[3], NULL);
  if (!x || !out || !shape || !perm) return NULL;
  if (rank > 16) { napi_throw_range_error(env, NULL, "desa_kernels: rank > 16"); return NULL; }
  int64_t inStrides[16], outShape[16], srcStride[16], idx[16] = {0};
  int64_t s = 1;
  for (int64_t ax = (int64_t)rank - 1; ax >= 0; ax--) { inStrides[ax] = s; s *= shape[ax]; }
  for (size_t ax = 0; ax < rank; ax++) { outShape[ax] = shape[perm[ax]]; srcStride[ax] = inStrides[perm[ax]]; }
  if (rank == 0 || n == 0) { if (n) out[0] = x[0]; return NULL; }
  const int64_t inner = outShape[rank - 1], innerStride = srcStride[rank - 1];
  int64_t off = 0;
  for (size_t o = 0; o < n; o += (size_t)inner) {
    for (int64_t i = 0; i < inner; i++) out[o + i] = x[off + i * innerStride];
    for (int64_t ax = (int64_t)rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      off += srcStride[ax];
      if (idx[ax] < outShape[ax]) break;
      off -= srcStride[ax] * outShape[ax];
      idx[ax] = 0;
    }
  }
  return NULL;
}

/*
 * adamwStep(p, g, m, v, vMax | null, pOut, mOut, vOut, vMaxOut | null, decay, beta1, beta2, bc2Sqrt, eps, stepSize)
 * One torch.optim.AdamW step for one parameter, written to fresh output arrays (never in place: tfjs tensors
 * may share their buffers, and exported optimiser state must not change under the caller):
 *   p' = p·decay;  m' = β1·m + (1−β1)·g;  v' = β2·v + (1−β2)·g²;  v̂ = amsgrad ? max(vMax, v') : v'
 *   p' = p' − (m' / (√v̂ / √(1−β2ᵗ) + ε))·(lr / (1−β1ᵗ))
 * in float32, operation for operation as src/main/model/optim/adamw.ts's op-by-op fallback.
 */
static napi_value AdamWStep(napi_env env, napi_callback_info info) {
  napi_value argv[15];
  if (!get_args(env, info, 15, argv)) return NULL;
  size_t n = 0;
  napi_valuetype vmaxType, vmaxOutType;
  const float *p = typed_data(env, argv[0], &n);
  const float *g = typed_data(env, argv[1], NULL);
  const float *m = typed_data(env, argv[2], NULL);
  const float *v = typed_data(env, argv[3], NULL);
  float *pOut = typed_data(env, argv[5], NULL);
  float *mOut = typed_data(env, argv[6], NULL);
  float *vOut = typed_data(env, argv[7], NULL);
  if (!p || !g || !m || !v || !pOut || !mOut || !vOut) return NULL;
  napi_typeof(env, argv[4], &vmaxType);
  napi_typeof(env, argv[8], &vmaxOutType);
  const int amsgrad = vmaxType != napi_null && vmaxType != napi_undefined;
  const float *vMax = amsgrad ? typed_data(env, argv[4], NULL) : NULL;
  float *vMaxOut = amsgrad ? typed_data(env, argv[8], NULL) : NULL;
  if (amsgrad && (!vMax || !vMaxOut)) return NULL;
  const float decay = (float)get_double(env, argv[9]);
  const float b1 = (float)get_double(env, argv[10]), b2 = (float)get_double(env, argv[11]);
  const float omb1 = (float)(1.0 - get_double(env, argv[10])), omb2 = (float)(1.0 - get_double(env, argv[11]));
  const float bc2Sqrt = (float)get_double(env, argv[12]), eps = (float)get_double(env, argv[13]);
  const float stepSize = (float)get_double(env, argv[14]);
  for (size_t i = 0; i < n; i++) {
    const float pi = p[i] * decay;
    const float mi = m[i] * b1 + g[i] * omb1;
    const float vi = v[i] * b2 + (g[i] * g[i]) * omb2;
    float second = vi;
    if (amsgrad) { second = vMax[i] > vi || isnan(vMax[i]) ? vMax[i] : vi; vMaxOut[i] = second; }
    const float denom = sqrtf(second) / bc2Sqrt + eps;
    pOut[i] = pi - (mi / denom) * stepSize;
    mOut[i] = mi;
    vOut[i] = vi;
  }
  return NULL;
}

/* --------------------------------------------------- fused layers --- */
/* Each pair is one layer's forward and its analytic backward, so a training step touches the data twice instead
 * of running ~10 element-wise ops (and allocations) each way. Used through tf.customGrad in fused-layers.ts. */

/* siluForward(x, y): y = x·σ(x).  siluBackward(x, dy, dx): dx = dy·σ(x)·(1 + x·(1 − σ(x))). */
HOT void desa_silu_forward(const float *x, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = x[i] * (1.0f / (1.0f + expf(-x[i])));
}

HOT void desa_silu_backward(const float *x, const float *dy, float *dx, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float s = 1.0f / (1.0f + expf(-x[i]));
    dx[i] = dy[i] * s * (1.0f + x[i] * (1.0f - s));
  }
}

static napi_value SiluForward(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  size_t n = 0;
  const float *x = typed_data(env, argv[0], &n);
  float *y = typed_data(env, argv[1], NULL);
  if (!x || !y) return NULL;
  desa_silu_forward(x, y, n);
  return NULL;
}

static napi_value SiluBackward(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  size_t n = 0;
  const float *x = typed_data(env, argv[0], &n);
  const float *dy = typed_data(env, argv[1], NULL);
  float *dx = typed_data(env, argv[2], NULL);
  if (!x || !dy || !dx) return NULL;
  desa_silu_backward(x, dy, dx, n);
  return NULL;
}

/*
 * g = dz·silu'(ŷ), ŷ the normalisation's output recomputed from x and the statistics exactly as the forward pass
 * computed it: the gradient that reaches the norm when SiLU follows it (act = 1), without storing ŷ.
 */
static void silu_grad_of_norm(const float *x, const float *dz, const float *w, const float *b, const float *mean,
                              const float *invStd, float *g, int64_t rows, int64_t C, int perRow) {
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * C, *dzr = dz + r * C;
    float *gr = g + r * C;
    for (int64_t c = 0; c < C; c++) {
      const float yv = perRow ? (xr[c] - mean[r]) * invStd[r] * w[c] + b[c] : (xr[c] - mean[c]) * (invStd[c] * w[c]) + b[c];
      const float s = 1.0f / (1.0f + expf(-yv));
      gr[c] = dzr[c] * s * (1.0f + yv * (1.0f - s));
    }
  }
}

/*
 * channelNormForward(x, weight, bias, y, mean, invStd, rows, C, eps, perRow, variance, act)
 * perRow = 0: batch norm over the rows of x (rows, C): mean/invStd per channel (C values), biased variance.
 * perRow = 1: layer norm over each row: mean/invStd per row (rows values).
 * y = (x − mean)·invStd·weight + bias, weight and bias per channel. Statistics accumulate in double.
 * act = 1 applies SiLU to y in place (BatchNorm → SiLU as one op; no array for the norm's own output).
 */
/* LayerNorm of one row (may be in place): mean and biased variance in double, then (x − μ)·invStd·w + b in float. */
static void layer_norm_row(const float *xr, float *yr, int64_t C, const float *w, const float *b, double eps, float *mean,
                           float *invStd, float *variance) {
  double s = 0, ss = 0;
  for (int64_t c = 0; c < C; c++) s += xr[c];
  const double m = s / (double)C;
  for (int64_t c = 0; c < C; c++) { const double d = xr[c] - m; ss += d * d; }
  const float fm = (float)m, is = (float)(1.0 / sqrt(ss / (double)C + eps));
  *mean = fm;
  *invStd = is;
  *variance = (float)(ss / (double)C);
  for (int64_t c = 0; c < C; c++) yr[c] = (xr[c] - fm) * is * w[c] + b[c];
}

/*
 * residualLayerNorm(f, x, factor, w, b, y, rows, C, eps): y = LayerNorm(f + x·factor) per row, the Conformer's
 * post-norm residual (inference), with the same float32 operations as add(f, mul(x, factor)) then the LayerNorm above.
 */
static napi_value ResidualLayerNorm(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!get_args(env, info, 9, argv)) return NULL;
  const float *f = typed_data(env, argv[0], NULL);
  const float *x = typed_data(env, argv[1], NULL);
  const float factor = (float)get_double(env, argv[2]);
  const float *w = typed_data(env, argv[3], NULL);
  const float *b = typed_data(env, argv[4], NULL);
  float *y = typed_data(env, argv[5], NULL);
  if (!f || !x || !w || !b || !y) return NULL;
  const int64_t rows = get_int(env, argv[6]), C = get_int(env, argv[7]);
  const double eps = get_double(env, argv[8]);
  for (int64_t r = 0; r < rows; r++) {
    float *yr = y + r * C;
    const float *fr = f + r * C, *xr = x + r * C;
    for (int64_t c = 0; c < C; c++) yr[c] = fr[c] + xr[c] * factor;
    float mean, invStd, variance;
    layer_norm_row(yr, yr, C, w, b, eps, &mean, &invStd, &variance);
  }
  return NULL;
}

static napi_value ChannelNormForward(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv)) return NULL;
  const int act = (int)get_int(env, argv[11]);
  float *variance = typed_data(env, argv[10], NULL);
  if (!variance) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  const float *w = typed_data(env, argv[1], NULL);
  const float *b = typed_data(env, argv[2], NULL);
  float *y = typed_data(env, argv[3], NULL);
  float *mean = typed_data(env, argv[4], NULL);
  float *invStd = typed_data(env, argv[5], NULL);
  if (!x || !w || !b || !y || !mean || !invStd) return NULL;
  const int64_t rows = get_int(env, argv[6]), C = get_int(env, argv[7]);
  const double eps = get_double(env, argv[8]);
  const int perRow = (int)get_int(env, argv[9]);
  if (perRow) {
    for (int64_t r = 0; r < rows; r++) layer_norm_row(x + r * C, y + r * C, C, w, b, eps, mean + r, invStd + r, variance + r);
    if (act) desa_silu_forward(y, y, (size_t)(rows * C));
    return NULL;
  }
  double *acc = calloc((size_t)(2 * C), sizeof(double));
  if (!acc) { napi_throw_error(env, NULL, "desa_kernels: out of memory (norm)"); return NULL; }
  double *sum = acc, *sq = acc + C;
  for (int64_t r = 0; r < rows; r++) for (int64_t c = 0; c < C; c++) sum[c] += x[r * C + c];
  for (int64_t c = 0; c < C; c++) sum[c] /= (double)rows;
  for (int64_t r = 0; r < rows; r++) for (int64_t c = 0; c < C; c++) { const double d = x[r * C + c] - sum[c]; sq[c] += d * d; }
  float *scale = (float *)calloc((size_t)C, sizeof(float));
  if (!scale) { free(acc); napi_throw_error(env, NULL, "desa_kernels: out of memory (norm)"); return NULL; }
  for (int64_t c = 0; c < C; c++) {
    mean[c] = (float)sum[c];
    variance[c] = (float)(sq[c] / (double)rows);
    invStd[c] = (float)(1.0 / sqrt(sq[c] / (double)rows + eps));
    scale[c] = invStd[c] * w[c];
  }
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * C;
    float *yr = y + r * C;
    for (int64_t c = 0; c < C; c++) yr[c] = (xr[c] - mean[c]) * scale[c] + b[c];
  }
  free(scale);
  free(acc);
  if (act) desa_silu_forward(y, y, (size_t)(rows * C));
  return NULL;
}

/*
 * channelNormBackward(x, dy, weight, mean, invStd, dx, dWeight, dBias, rows, C, perRow, bias, act)
 * With x̂ = (x − μ)·σ⁻¹ and g = dy·weight, over the n values one statistic covers:
 *   dx = σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)),  dWeight = Σ dy·x̂,  dBias = Σ dy (sums over rows).
 * act = 1: dy is the gradient of SiLU(norm); it is first taken through SiLU (into dx, then updated in place).
 */
static napi_value ChannelNormBackward(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!get_args(env, info, 13, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  const float *dy = typed_data(env, argv[1], NULL);
  const float *w = typed_data(env, argv[2], NULL);
  const float *mean = typed_data(env, argv[3], NULL);
  const float *invStd = typed_data(env, argv[4], NULL);
  float *dx = typed_data(env, argv[5], NULL);
  float *dw = typed_data(env, argv[6], NULL);
  float *db = typed_data(env, argv[7], NULL);
  if (!x || !dy || !w || !mean || !invStd || !dx || !dw || !db) return NULL;
  const int64_t rows = get_int(env, argv[8]), C = get_int(env, argv[9]);
  const int perRow = (int)get_int(env, argv[10]);
  if (get_int(env, argv[12])) {
    const float *bias = typed_data(env, argv[11], NULL);
    if (!bias) return NULL;
    silu_grad_of_norm(x, dy, w, bias, mean, invStd, dx, rows, C, perRow);
    dy = dx; /* every later read of dy[i] precedes the write of dx[i] */
  }
  double *acc = calloc((size_t)(2 * C), sizeof(double));
  if (!acc) { napi_throw_error(env, NULL, "desa_kernels: out of memory (norm)"); return NULL; }
  double *sdw = acc, *sdb = acc + C;
  if (perRow) {
    for (int64_t r = 0; r < rows; r++) {
      const float *xr = x + r * C, *dyr = dy + r * C;
      float *dxr = dx + r * C;
      const float m = mean[r], is = invStd[r];
      double sg = 0, sgx = 0;
      for (int64_t c = 0; c < C; c++) {
        const float xh = (xr[c] - m) * is, g = dyr[c] * w[c];
        sg += g;
        sgx += (double)g * xh;
        sdw[c] += (double)dyr[c] * xh;
        sdb[c] += dyr[c];
      }
      const float mg = (float)(sg / (double)C), mgx = (float)(sgx / (double)C);
      for (int64_t c = 0; c < C; c++) {
        const float xh = (xr[c] - m) * is;
        dxr[c] = is * (dyr[c] * w[c] - mg - xh * mgx);
      }
    }
  } else {
    for (int64_t r = 0; r < rows; r++) {
      const float *xr = x + r * C, *dyr = dy + r * C;
      for (int64_t c = 0; c < C; c++) {
        const float xh = (xr[c] - mean[c]) * invStd[c];
        sdw[c] += (double)dyr[c] * xh;
        sdb[c] += dyr[c];
      }
    }
    /* per channel: mean(g) = w·Σdy/n, mean(g·x̂) = w·Σ(dy·x̂)/n */
    float *k1 = malloc(sizeof(float) * (size_t)(2 * C));
    if (!k1) { free(acc); napi_throw_error(env, NULL, "desa_kernels: out of memory (norm)"); return NULL; }
    float *k2 = k1 + C;
    for (int64_t c = 0; c < C; c++) {
      k1[c] = (float)(w[c] * sdb[c] / (double)rows);
      k2[c] = (float)(w[c] * sdw[c] / (double)rows);
    }
    for (int64_t r = 0; r < rows; r++) {
      const float *xr = x + r * C, *dyr = dy + r * C;
      float *dxr = dx + r * C;
      for (int64_t c = 0; c < C; c++) {
        const float xh = (xr[c] - mean[c]) * invStd[c];
        dxr[c] = invStd[c] * (dyr[c] * w[c] - k1[c] - xh * k2[c]);
      }
    }
    free(k1);
  }
  for (int64_t c = 0; c < C; c++) { dw[c] = (float)sdw[c]; db[c] = (float)sdb[c]; }
  free(acc);
  return NULL;
}

/* channelAffine(x, mean, scale, bias, y, rows, C, act): y = (x − mean)·scale + bias per channel (BatchNorm1d in eval
 * mode), then SiLU in place when act = 1. */
static napi_value ChannelAffine(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!get_args(env, info, 8, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  const float *mean = typed_data(env, argv[1], NULL);
  const float *scale = typed_data(env, argv[2], NULL);
  const float *bias = typed_data(env, argv[3], NULL);
  float *y = typed_data(env, argv[4], NULL);
  if (!x || !mean || !scale || !bias || !y) return NULL;
  const int64_t rows = get_int(env, argv[5]), C = get_int(env, argv[6]);
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * C;
    float *yr = y + r * C;
    for (int64_t c = 0; c < C; c++) yr[c] = (xr[c] - mean[c]) * scale[c] + bias[c];
  }
  if (get_int(env, argv[7])) desa_silu_forward(y, y, (size_t)(rows * C));
  return NULL;
}

/*
 * maxPool1dForward(x, y, argmax: Uint8Array, B, L, C, size): nn.MaxPool1d(size) (stride = size, floor mode) over
 * axis 1 of channels-last x (B, L, C) → y (B, L/size, C). argmax keeps the window offset of the first maximum
 * (PyTorch's choice among ties; NaN wins, so NaN propagates). maxPool1dBackward(dy, argmax, dx, B, L, C, size)
 * scatters dy to those offsets; dx arrives zeroed from JS (so trailing elements past the last window stay 0).
 */
static napi_value MaxPool1dForward(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  float *y = typed_data(env, argv[1], NULL);
  uint8_t *arg = typed_data(env, argv[2], NULL);
  if (!x || !y || !arg) return NULL;
  const int64_t B = get_int(env, argv[3]), L = get_int(env, argv[4]), C = get_int(env, argv[5]), size = get_int(env, argv[6]);
  const int64_t lout = L / size;
  for (int64_t b = 0; b < B; b++) {
    for (int64_t o = 0; o < lout; o++) {
      const float *src = x + (b * L + o * size) * C;
      float *dst = y + (b * lout + o) * C;
      uint8_t *am = arg + (b * lout + o) * C;
      for (int64_t c = 0; c < C; c++) { dst[c] = src[c]; am[c] = 0; }
      for (int64_t j = 1; j < size; j++) {
        const float *row = src + j * C;
        for (int64_t c = 0; c < C; c++) {
          const int take = row[c] > dst[c] || (isnan(row[c]) && !isnan(dst[c]));
          dst[c] = take ? row[c] : dst[c];
          am[c] = take ? (uint8_t)j : am[c];
        }
      }
    }
  }
  return NULL;
}

static napi_value MaxPool1dBackward(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) return NULL;
  const float *dy = typed_data(env, argv[0], NULL);
  const uint8_t *arg = typed_data(env, argv[1], NULL);
  float *dx = typed_data(env, argv[2], NULL);
  if (!dy || !arg || !dx) return NULL;
  const int64_t B = get_int(env, argv[3]), L = get_int(env, argv[4]), C = get_int(env, argv[5]), size = get_int(env, argv[6]);
  const int64_t lout = L / size;
  for (int64_t b = 0; b < B; b++) {
    for (int64_t o = 0; o < lout; o++) {
      const float *g = dy + (b * lout + o) * C;
      const uint8_t *am = arg + (b * lout + o) * C;
      float *base = dx + (b * L + o * size) * C;
      for (int64_t c = 0; c < C; c++) base[am[c] * C + c] = g[c];
    }
  }
  return NULL;
}

/*
 * ropeApply(x, cos, sin, y, rows, T, D, R, direction): rotary embedding (rotate-half) on the first R features of
 * each length-D row of x, viewed as (rows/T, T, D); cos/sin are (≥T, R), row t used for position t.
 * direction 1 (forward):  y[j] = x[j]·cos[j] + rh(x)[j]·sin[j], rh(x) = [−x[h..R), x[0..h)], h = R/2;
 * direction −1 (gradient, the transpose): y[j] = x[j]·cos[j] + (j < h ? x[j+h]·sin[j+h] : −x[j−h]·sin[j−h]).
 * Features R..D pass through unchanged.
 */
static napi_value RopeApply(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!get_args(env, info, 9, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  const float *cs = typed_data(env, argv[1], NULL);
  const float *sn = typed_data(env, argv[2], NULL);
  float *y = typed_data(env, argv[3], NULL);
  if (!x || !cs || !sn || !y) return NULL;
  const int64_t rows = get_int(env, argv[4]), T = get_int(env, argv[5]), D = get_int(env, argv[6]), R = get_int(env, argv[7]);
  const int dir = (int)get_int(env, argv[8]);
  const int64_t h = R / 2;
  for (int64_t r = 0; r < rows; r++) {
    const int64_t t = r % T;
    const float *xr = x + r * D, *c = cs + t * R, *s = sn + t * R;
    float *yr = y + r * D;
    if (dir > 0) {
      for (int64_t j = 0; j < h; j++) yr[j] = xr[j] * c[j] + (-xr[j + h]) * s[j];
      for (int64_t j = h; j < R; j++) yr[j] = xr[j] * c[j] + xr[j - h] * s[j];
    } else {
      for (int64_t j = 0; j < h; j++) yr[j] = xr[j] * c[j] + xr[j + h] * s[j + h];
      for (int64_t j = h; j < R; j++) yr[j] = xr[j] * c[j] - xr[j - h] * s[j - h];
    }
    for (int64_t j = R; j < D; j++) yr[j] = xr[j];
  }
  return NULL;
}

/*
 * dropoutForward(x, y, keep: Uint8Array, state: Float64Array[4] = {s0, s1, s2, c}, keepProb): tf.dropout bit for bit.
 * tfjs draws u from seedrandom's Alea (seeded in JS, fused-layers.ts), stores it as float32, and computes
 * x·(floor(u + p)/p) in float32 ops; this replays the same generator and roundings in one pass, and records which
 * elements were kept for the gradient. dropoutBackward(dy, keep, dx, keepProb): dx = dy·(kept ? 1/p : 0).
 */
static napi_value DropoutForward(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!get_args(env, info, 5, argv)) return NULL;
  size_t n = 0;
  const float *x = typed_data(env, argv[0], &n);
  float *y = typed_data(env, argv[1], NULL);
  uint8_t *keep = typed_data(env, argv[2], NULL);
  double *st = typed_data(env, argv[3], NULL);
  if (!x || !y || !keep || !st) return NULL;
  const float p = (float)get_double(env, argv[4]);
  double s0 = st[0], s1 = st[1], s2 = st[2], c = st[3];
  for (size_t i = 0; i < n; i++) {
    const double t = 2091639.0 * s0 + c * 2.3283064365386963e-10; /* Alea.next */
    s0 = s1;
    s1 = s2;
    c = (double)(int32_t)t;
    s2 = t - c;
    const float kept = floorf((float)s2 + p);
    keep[i] = kept != 0.0f;
    y[i] = x[i] * (float)(kept / (double)p);
  }
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
  return NULL;
}

static napi_value DropoutBackward(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  size_t n = 0;
  const float *dy = typed_data(env, argv[0], &n);
  const uint8_t *keep = typed_data(env, argv[1], NULL);
  float *dx = typed_data(env, argv[2], NULL);
  if (!dy || !keep || !dx) return NULL;
  const float scale = (float)(1.0 / (double)(float)get_double(env, argv[3]));
  for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (keep[i] ? scale : 0.0f);
  return NULL;
}

/*
 * linearForward(x, w, bias | null, y, rows, in, out): nn.Linear, y = x·wᵀ + bias with w (out, in), as one GEMM onto
 * y prefilled with the bias (instead of a GEMM and a broadcast add over the whole output).
 */
static napi_value LinearForward(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  size_t argc = 8;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7) {
    napi_throw_error(env, NULL, "desa_kernels: wrong number of arguments");
    return NULL;
  }
  const float *x = typed_data(env, argv[0], NULL);
  const float *w = typed_data(env, argv[1], NULL);
  float *y = typed_data(env, argv[3], NULL);
  if (!x || !w || !y) return NULL;
  napi_valuetype biasType;
  napi_typeof(env, argv[2], &biasType);
  const float *bias = biasType == napi_null || biasType == napi_undefined ? NULL : typed_data(env, argv[2], NULL);
  const int64_t rows = get_int(env, argv[4]), in = get_int(env, argv[5]), out = get_int(env, argv[6]);
  const int act = argc > 7 ? (int)get_int(env, argv[7]) : 0; /* 1: SiLU on the output (inference FFN) */
  if (bias) for (int64_t r = 0; r < rows; r++) memcpy(y + r * out, bias, sizeof(float) * (size_t)out);
  float *wt = in > 0 && use_gemm512 && out % 16 == 0 ? malloc(sizeof(float) * (size_t)(in * out)) : NULL;
  if (in == 0) {
    if (!bias) memset(y, 0, sizeof(float) * (size_t)(rows * out));
  } else if (wt) {
    /* the AVX-512 kernel wants B = wᵀ (in × out) row-major: a transposed copy of the (small) weight */
    for (int64_t o = 0; o < out; o++)
      for (int64_t i = 0; i < in; i++) wt[i * out + o] = w[o * in + i];
    sgemm_nn(rows, out, in, x, in, wt, out, y, out, bias ? 1 : 0);
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)out, (int)in, 1.0f, x, (int)in, w, (int)in,
                bias ? 1.0f : 0.0f, y, (int)out);
  }
  free(wt);
  if (act) desa_silu_forward(y, y, (size_t)(rows * out));
  return NULL;
}

/* ----------------------------------------------- inference conv block --- */
/*
 * convBlockInference(x, w, convBias|null, gamma, beta, mean, var, y, B, L, Cin, Cout, k, padLeft, outLen, eps, act, pool
 * [, w0]) Eval-mode Conv1d (stride 1, PyTorch weight (Cout, Cin, k), zero padding padLeft on the left, output length
 * outLen) → BatchNorm1d with running statistics → SiLU (act = 1) or sin(w0·x) (act = 2) → MaxPool1d(pool) (floor mode; pool = 1: none), on
 * channels-last x (B, L, Cin), writing only the final y (B, outLen/pool, Cout). BatchNorm is folded into the conv:
 * w'[t, ci, co] = w[co, ci, t]·s[co] and b'[co] = (convBias[co] − mean[co])·s[co] + beta[co], s = gamma/√(var + eps),
 * recomputed on every call (a few thousand multiplies) so it can never go stale after a training step or a weight
 * load. gamma = null skips the BatchNorm (s = 1, no mean/beta). The batch is cut into tiles of rows that may span
 * batch elements, so the GEMM has hundreds of rows even where L is short; each tile's im2col, GEMM, bias, SiLU and
 * pooling run while it is in cache, and no full-size intermediate is ever stored.
 */
HOT void desa_bias_act_rows(float *t, const float *bias, int64_t rows, int64_t C, int act, float w0) {
  for (int64_t r = 0; r < rows; r++) {
    float *row = t + r * C;
    for (int64_t c = 0; c < C; c++) row[c] += bias[c];
  }
  const size_t n = (size_t)(rows * C);
  if (act == 1) desa_silu_forward(t, t, n);
  if (act == 2) for (size_t i = 0; i < n; i++) t[i] = sinf(t[i] * w0); /* the light-curve CNN's sin(w0·x) */
}

/* im2col of the rows r0 … r0 + rows of the (B·outLen) output, which may span batch elements (stride 1). */
static void im2col_rows(const float *x, float *cols, int64_t r0, int64_t rows, int64_t outLen, int64_t L, int64_t Cin,
                        int64_t k, int64_t padLeft) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t b = (r0 + r) / outLen, o = (r0 + r) % outLen;
    const float *xb = x + b * L * Cin;
    float *row = cols + r * k * Cin;
    for (int64_t t = 0; t < k; t++) {
      const int64_t pos = o - padLeft + t;
      if (pos < 0 || pos >= L) memset(row + t * Cin, 0, sizeof(float) * (size_t)Cin);
      else memcpy(row + t * Cin, xb + pos * Cin, sizeof(float) * (size_t)Cin);
    }
  }
}

/* out[r, co] = Σ_t,ci x[b, o − padLeft + t, ci]·wf[t, ci, co] for the rows r0 … r0 + rows of the (B·outLen) output. */
HOT void desa_conv_direct_rows(const float *x, const float *wf, float *out, int64_t r0, int64_t rows, int64_t outLen,
                               int64_t L, int64_t Cin, int64_t Cout, int64_t k, int64_t padLeft) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t b = (r0 + r) / outLen, o = (r0 + r) % outLen;
    float *dst = out + r * Cout;
    for (int64_t c = 0; c < Cout; c++) dst[c] = 0.0f;
    for (int64_t t = 0; t < k; t++) {
      const int64_t pos = o - padLeft + t;
      if (pos < 0 || pos >= L) continue;
      const float *xr = x + (b * L + pos) * Cin;
      for (int64_t ci = 0; ci < Cin; ci++) {
        const float xv = xr[ci];
        const float *wr = wf + (t * Cin + ci) * Cout;
        for (int64_t c = 0; c < Cout; c++) dst[c] += xv * wr[c];
      }
    }
  }
}

static napi_value ConvBlockInference(napi_env env, napi_callback_info info) {
  napi_value argv[19];
  size_t argc = 19;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 18) {
    napi_throw_error(env, NULL, "desa_kernels: wrong number of arguments");
    return NULL;
  }
  napi_valuetype biasType, gammaType;
  napi_typeof(env, argv[2], &biasType);
  napi_typeof(env, argv[3], &gammaType);
  const float *x = typed_data(env, argv[0], NULL);
  const float *w = typed_data(env, argv[1], NULL);
  const float *convBias = biasType == napi_null ? NULL : typed_data(env, argv[2], NULL);
  const int withNorm = gammaType != napi_null;
  const float *gamma = withNorm ? typed_data(env, argv[3], NULL) : NULL;
  const float *beta = withNorm ? typed_data(env, argv[4], NULL) : NULL;
  const float *mean = withNorm ? typed_data(env, argv[5], NULL) : NULL;
  const float *var = withNorm ? typed_data(env, argv[6], NULL) : NULL;
  float *y = typed_data(env, argv[7], NULL);
  if (!x || !w || !y || (biasType != napi_null && !convBias) || (withNorm && (!gamma || !beta || !mean || !var))) return NULL;
  const int64_t B = get_int(env, argv[8]), L = get_int(env, argv[9]), Cin = get_int(env, argv[10]), Cout = get_int(env, argv[11]);
  const int64_t k = get_int(env, argv[12]), padLeft = get_int(env, argv[13]), outLen = get_int(env, argv[14]);
  const float eps = (float)get_double(env, argv[15]);
  const int act = (int)get_int(env, argv[16]);
  const float w0 = argc > 18 ? (float)get_double(env, argv[18]) : 1.0f;
  const int64_t pool = get_int(env, argv[17]);
  const int64_t K = k * Cin, pooledLen = outLen / pool, total = B * outLen;

  /* Rows per tile: the im2col tile stays within ~384 KB (L2), and at least 64 rows for the GEMM. */
  int64_t tile = 98304 / (K > 0 ? K : 1);
  tile = tile < 64 ? 64 : tile > 1024 ? 1024 : tile;
  float *wf = malloc(sizeof(float) * (size_t)(K * Cout + Cout));
  float *cols = malloc(sizeof(float) * (size_t)(tile * K));
  float *scratch = pool > 1 ? malloc(sizeof(float) * (size_t)(tile * Cout)) : NULL;
  if (!wf || !cols || (pool > 1 && !scratch)) {
    free(wf); free(cols); free(scratch);
    napi_throw_error(env, NULL, "desa_kernels: out of memory (convBlockInference)");
    return NULL;
  }
  float *bf = wf + K * Cout;
  for (int64_t co = 0; co < Cout; co++) {
    const float s = withNorm ? gamma[co] * (1.0f / sqrtf(var[co] + eps)) : 1.0f;
    const float b0 = convBias ? convBias[co] : 0.0f;
    bf[co] = withNorm ? (b0 - mean[co]) * s + beta[co] : b0;
    for (int64_t ci = 0; ci < Cin; ci++)
      for (int64_t t = 0; t < k; t++) wf[(t * Cin + ci) * Cout + co] = w[(co * Cin + ci) * k + t] * s;
  }
  if (pool > 1) for (int64_t i = 0; i < B * pooledLen * Cout; i++) y[i] = -INFINITY;

  for (int64_t r0 = 0; r0 < total; r0 += tile) {
    const int64_t rows = total - r0 < tile ? total - r0 : tile;
    float *out = pool > 1 ? scratch : y + r0 * Cout;
    if (K <= 8) {
      /* a few taps of a few channels (the stem: k3 over one channel): a direct loop beats im2col + GEMM */
      desa_conv_direct_rows(x, wf, out, r0, rows, outLen, L, Cin, Cout, k, padLeft);
    } else {
      im2col_rows(x, cols, r0, rows, outLen, L, Cin, k, padLeft);
      sgemm_nn(rows, Cout, K, cols, K, wf, Cout, out, Cout, 0);
    }
    desa_bias_act_rows(out, bf, rows, Cout, act, w0);
    if (pool > 1) {
      /* max into the pooled row; NaN wins, as in maxPool1dForward */
      for (int64_t r = 0; r < rows; r++) {
        const int64_t b = (r0 + r) / outLen, o = (r0 + r) % outLen;
        if (o >= pooledLen * pool) continue;
        float *dst = y + (b * pooledLen + o / pool) * Cout;
        const float *src = out + r * Cout;
        for (int64_t c = 0; c < Cout; c++) dst[c] = (src[c] > dst[c] || isnan(src[c])) ? src[c] : dst[c];
      }
    }
  }
  free(wf);
  free(cols);
  free(scratch);
  return NULL;
}

/* ------------------------------------------------ inference attention --- */
/*
 * attentionInference(x, wq, bq, wk, bk, wv, bv, wo, bo, cos, sin, y, B, T, D, H, R)
 * `MHA_rotary` without a key mask and without gradients, on x (B, T, D) with nn.Linear weights (D, D) and biases (D):
 * q, k, v in one GEMM against the concatenated weights; partial RoPE (rotate-half on the first R features of each
 * head, tables (≥ T, R)) applied in place to q and k; q scaled by 1/√d; per (batch, head) softmax(q·kᵀ)·v written
 * straight into its columns of the merged (B, T, D) buffer; then the output projection into y. The same float32
 * operations in the same order as the op-by-op layers, without the splitHeads/mergeHeads transposes or any of the
 * ~15 intermediate tensors.
 */
static napi_value AttentionInference(napi_env env, napi_callback_info info) {
  napi_value argv[17];
  if (!get_args(env, info, 17, argv)) return NULL;
  const float *x = typed_data(env, argv[0], NULL);
  const float *w[4], *bias[4];
  for (int i = 0; i < 4; i++) {
    w[i] = typed_data(env, argv[1 + 2 * i], NULL);
    bias[i] = typed_data(env, argv[2 + 2 * i], NULL);
    if (!w[i] || !bias[i]) return NULL;
  }
  const float *cs = typed_data(env, argv[9], NULL);
  const float *sn = typed_data(env, argv[10], NULL);
  float *y = typed_data(env, argv[11], NULL);
  if (!x || !cs || !sn || !y) return NULL;
  const int64_t B = get_int(env, argv[12]), T = get_int(env, argv[13]), D = get_int(env, argv[14]), H = get_int(env, argv[15]);
  const int64_t R = get_int(env, argv[16]), d = D / H, half = R / 2, rows = B * T, D3 = 3 * D;
  float *wt = malloc(sizeof(float) * (size_t)(D * D3 + D * D));
  float *qkv = malloc(sizeof(float) * (size_t)(rows * D3));
  float *merged = malloc(sizeof(float) * (size_t)(rows * D));
  float *scores = malloc(sizeof(float) * (size_t)(T * T + R + d * T));
  if (!wt || !qkv || !merged || !scores) {
    free(wt); free(qkv); free(merged); free(scores);
    napi_throw_error(env, NULL, "desa_kernels: out of memory (attentionInference)");
    return NULL;
  }
  float *wot = wt + D * D3, *tmp = scores + T * T, *kT = tmp + R;
  /* wt (D × 3D) = [Wqᵀ | Wkᵀ | Wvᵀ]; wot = Woᵀ */
  for (int p = 0; p < 3; p++)
    for (int64_t o = 0; o < D; o++)
      for (int64_t i = 0; i < D; i++) wt[i * D3 + p * D + o] = w[p][o * D + i];
  for (int64_t o = 0; o < D; o++)
    for (int64_t i = 0; i < D; i++) wot[i * D + o] = w[3][o * D + i];
  for (int64_t r = 0; r < rows; r++)
    for (int p = 0; p < 3; p++) memcpy(qkv + r * D3 + p * D, bias[p], sizeof(float) * (size_t)D);
  sgemm_nn(rows, D3, D, x, D, wt, D3, qkv, D3, 1);

  const float scale = (float)(1.0 / sqrt((double)d));
  for (int64_t r = 0; r < rows; r++) {
    const int64_t t = r % T;
    const float *c = cs + t * R, *s = sn + t * R;
    for (int p = 0; p < 2; p++) {
      for (int64_t h = 0; h < H; h++) {
        float *v = qkv + r * D3 + p * D + h * d;
        memcpy(tmp, v, sizeof(float) * (size_t)R);
        for (int64_t j = 0; j < half; j++) v[j] = tmp[j] * c[j] + (-tmp[j + half]) * s[j];
        for (int64_t j = half; j < R; j++) v[j] = tmp[j] * c[j] + tmp[j - half] * s[j];
      }
    }
    float *q = qkv + r * D3;
    for (int64_t j = 0; j < D; j++) q[j] *= scale;
  }
  for (int64_t b = 0; b < B; b++) {
    for (int64_t h = 0; h < H; h++) {
      const float *Q = qkv + b * T * D3 + h * d, *K = Q + D, *V = Q + 2 * D;
      /* kᵀ (d × T) so that q·kᵀ is a plain product (the AVX-512 GEMM where T is a multiple of 16) */
      for (int64_t t = 0; t < T; t++)
        for (int64_t j = 0; j < d; j++) kT[j * T + t] = K[t * D3 + j];
      sgemm_nn(T, T, d, Q, D3, kT, T, scores, T, 0);
      desa_softmax_rows(scores, scores, T, T);
      sgemm_nn(T, d, T, scores, T, V, D3, merged + b * T * D + h * d, D, 0);
    }
  }
  for (int64_t r = 0; r < rows; r++) memcpy(y + r * D, bias[3], sizeof(float) * (size_t)D);
  sgemm_nn(rows, D, D, merged, D, wot, D, y, D, 1);
  free(wt);
  free(qkv);
  free(merged);
  free(scores);
  return NULL;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  openblas_set_num_threads((int)get_int(env, argv[0]));
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"batchMatMul", NULL, BatchMatMul, NULL, NULL, NULL, napi_default, NULL},
    {"conv1dForward", NULL, Conv1dForward, NULL, NULL, NULL, napi_default, NULL},
    {"conv1dBackpropInput", NULL, Conv1dBackpropInput, NULL, NULL, NULL, napi_default, NULL},
    {"conv1dBackpropFilter", NULL, Conv1dBackpropFilter, NULL, NULL, NULL, napi_default, NULL},
    {"binary", NULL, Binary, NULL, NULL, NULL, napi_default, NULL},
    {"reduce", NULL, Reduce, NULL, NULL, NULL, napi_default, NULL},
    {"softmax", NULL, Softmax, NULL, NULL, NULL, napi_default, NULL},
    {"unary", NULL, Unary, NULL, NULL, NULL, napi_default, NULL},
    {"transpose", NULL, Transpose, NULL, NULL, NULL, napi_default, NULL},
    {"compare", NULL, Compare, NULL, NULL, NULL, napi_default, NULL},
    {"stridedCopy", NULL, StridedCopy, NULL, NULL, NULL, napi_default, NULL},
    {"softmaxGrad", NULL, SoftmaxGrad, NULL, NULL, NULL, napi_default, NULL},
    {"adamwStep", NULL, AdamWStep, NULL, NULL, NULL, napi_default, NULL},
    {"channelAffine", NULL, ChannelAffine, NULL, NULL, NULL, napi_default, NULL},
    {"siluForward", NULL, SiluForward, NULL, NULL, NULL, napi_default, NULL},
    {"siluBackward", NULL, SiluBackward, NULL, NULL, NULL, napi_default, NULL},
    {"channelNormForward", NULL, ChannelNormForward, NULL, NULL, NULL, napi_default, NULL},
    {"channelNormBackward", NULL, ChannelNormBackward, NULL, NULL, NULL, napi_default, NULL},
    {"maxPool1dForward", NULL, MaxPool1dForward, NULL, NULL, NULL, napi_default, NULL},
    {"maxPool1dBackward", NULL, MaxPool1dBackward, NULL, NULL, NULL, napi_default, NULL},
    {"ropeApply", NULL, RopeApply, NULL, NULL, NULL, napi_default, NULL},
    {"dropoutForward", NULL, DropoutForward, NULL, NULL, NULL, napi_default, NULL},
    {"dropoutBackward", NULL, DropoutBackward, NULL, NULL, NULL, napi_default, NULL},
    {"linearForward", NULL, LinearForward, NULL, NULL, NULL, napi_default, NULL},
    {"convBlockInference", NULL, ConvBlockInference, NULL, NULL, NULL, napi_default, NULL},
    {"attentionInference", NULL, AttentionInference, NULL, NULL, NULL, napi_default, NULL},
    {"residualLayerNorm", NULL, ResidualLayerNorm, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
#ifdef DESA_HAVE_GEMM512
  const char *gemm = getenv("DESA_NATIVE_GEMM");
  use_gemm512 = __builtin_cpu_supports("avx512f") && !(gemm && strcmp(gemm, "blas") == 0);
#endif
  openblas_set_num_threads(1); /* measured: 2 threads is slower on 2 vCPUs; DESA_BLAS_THREADS overrides in JS */
#ifdef __GLIBC__
  /*
   * Every tfjs kernel output is a fresh zeroed typed array, and V8 takes array memory from malloc. glibc serves
   * big blocks with fresh mmaps and returns freed memory to the OS, so each large activation (16 MB at batch 32)
   * is page-faulted in again on every op, which costs more than the op itself. Keeping freed blocks in the heap
   * (up to glibc's 32 MB mmap limit) makes them reusable. Process-wide; DESA_NATIVE_MALLOC=0 turns it off.
   */
  const char *tune = getenv("DESA_NATIVE_MALLOC");
  if (!tune || strcmp(tune, "0") != 0) {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  }
#endif
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
