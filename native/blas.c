// A synchronous single-precision GEMM over a WebAssembly memory, for the wasm engine's BatchMatMul.
// The operands stay where tfjs put them in the wasm heap: no copies, only pointers into it.
#include <node_api.h>
#include <cblas.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

extern void openblas_set_num_threads(int);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "sigprop blas: bad arguments"); return NULL; } } while (0)

// sgemm(memory, batch, m, n, k, aOffset, aStride, bOffset, bStride, cOffset, transA, transB):
// for each batch i, C_i (m x n) = op(A_i) op(B_i), row-major, offsets and strides in floats.
static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 12) { napi_throw_error(env, NULL, "sigprop blas: sgemm takes 12 arguments"); return NULL; }
  void *data;
  size_t bytes;
  CHECK(napi_get_arraybuffer_info(env, argv[0], &data, &bytes));
  int64_t v[9];
  for (int i = 0; i < 9; i++) CHECK(napi_get_value_int64(env, argv[1 + i], &v[i]));
  bool transA, transB;
  CHECK(napi_get_value_bool(env, argv[10], &transA));
  CHECK(napi_get_value_bool(env, argv[11], &transB));
  int64_t batch = v[0], m = v[1], n = v[2], k = v[3];
  int64_t aOffset = v[4], aStride = v[5], bOffset = v[6], bStride = v[7], cOffset = v[8];
  int64_t floats = (int64_t)(bytes / sizeof(float));
  int64_t aLast = aOffset + (batch - 1) * aStride + m * k, bLast = bOffset + (batch - 1) * bStride + k * n, cLast = cOffset + batch * m * n;
  if (batch < 1 || m < 1 || n < 1 || k < 1 || aOffset < 0 || bOffset < 0 || cOffset < 0 || aLast > floats || bLast > floats || cLast > floats) {
    napi_throw_range_error(env, NULL, "sigprop blas: operands outside the memory");
    return NULL;
  }
  float *memory = (float *)data;
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
                memory + aOffset + i * aStride, transA ? (int)m : (int)k, memory + bOffset + i * bStride, transB ? (int)k : (int)n, 0.0f,
                memory + cOffset + i * m * n, (int)n);
  }
  return NULL;
}

// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64 (core SkylakeX)": for reports
static napi_value library(napi_env env, napi_callback_info info) {
  (void)info;
  char text[512];
  snprintf(text, sizeof text, "%s (core %s)", openblas_get_config(), openblas_get_corename());
  napi_value result;
  CHECK(napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &result));
  return result;
}

NAPI_MODULE_INIT() {
  // one thread: sigprop runs one worker per core already
  openblas_set_num_threads(1);
  napi_value fn;
  if (napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, sgemm, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "sgemm", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "library", NAPI_AUTO_LENGTH, library, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "library", fn) != napi_ok) return NULL;
  return exports;
}
