// sigprop's native kernels, each a synchronous call on memory JS already owns:
// - sgemm: single-precision GEMM over a WebAssembly memory, for the wasm engine's BatchMatMul.
//   The operands stay where tfjs put them in the wasm heap: no copies, only pointers into it.
// - fillColumns, fillBernoulli: the hot loops of src/sim/random.ts (xoshiro128** and the
//   ziggurat's fast path), operation for operation, so they write the very same float32 values.
// - pairTotals: a replicate's shifted group sums of one observation, reduced in double where the
//   tensor lies in the wasm heap (src/sim/pairMoments.ts).
#include <node_api.h>
#ifndef SIGPROP_NO_BLAS
#include <cblas.h>
#endif
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <math.h>

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "sigprop native: bad arguments"); return NULL; } } while (0)

/** Exactly `count` arguments into argv; false, with a JS exception pending, otherwise. */
static bool getArgs(napi_env env, napi_callback_info info, size_t count, napi_value *argv, const char *name) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != count) {
    char message[128];
    snprintf(message, sizeof message, "sigprop native: %s takes %zu arguments", name, count);
    napi_throw_error(env, NULL, message);
    return false;
  }
  return true;
}

#ifndef SIGPROP_NO_BLAS
extern void openblas_set_num_threads(int);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);


// sgemm(memory, batch, m, n, k, aOffset, aStride, bOffset, bStride, cOffset, transA, transB):
// for each batch i, C_i (m x n) = op(A_i) op(B_i), row-major, offsets and strides in floats.
static napi_value sgemm(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!getArgs(env, info, 12, argv, "sgemm")) return NULL;
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
    napi_throw_range_error(env, NULL, "sigprop native: operands outside the memory");
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
#endif

static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

/** xoshiro128** (src/sim/xoshiro.ts), its state in locals while a loop runs. */
typedef struct { uint32_t s0, s1, s2, s3; } Xoshiro;

static inline Xoshiro loadState(const int32_t *state) { return (Xoshiro){(uint32_t)state[0], (uint32_t)state[1], (uint32_t)state[2], (uint32_t)state[3]}; }

static inline void storeState(int32_t *state, Xoshiro x) {
  state[0] = (int32_t)x.s0;
  state[1] = (int32_t)x.s1;
  state[2] = (int32_t)x.s2;
  state[3] = (int32_t)x.s3;
}

static inline uint32_t nextWord(Xoshiro *x) {
  const uint32_t word = rotl(x->s1 * 5u, 7) * 9u;
  const uint32_t t = x->s1 << 9;
  x->s2 ^= x->s0;
  x->s3 ^= x->s1;
  x->s1 ^= x->s2;
  x->s0 ^= x->s3;
  x->s2 ^= t;
  x->s3 = rotl(x->s3, 11);
  return word;
}

/** The data and length of a typed array argument, or NULL (with a JS exception pending). */
static void *typed(napi_env env, napi_value value, napi_typedarray_type want, size_t *length) {
  napi_typedarray_type type;
  void *data;
  if (napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok || type != want) {
    napi_throw_type_error(env, NULL, "sigprop native: wrong typed array");
    return NULL;
  }
  return data;
}

// fillColumns(state Int32Array(4), out Float32Array, shifts Float64Array, k Int32Array(128),
//             w Float64Array(128), std, first, length, columnStep, step, pending Int32Array):
// RandomStream.fillColumns' loop. Returns how many draws missed their layer's core, recorded in
// pending as (index, word, column) triples for JS to finish, or -1, with state untouched, when
// pending is too small (JS then runs its own loop).
static napi_value fillColumns(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!getArgs(env, info, 11, argv, "fillColumns")) return NULL;
  size_t stateLength, outLength, columns, kLength, wLength, pendingLength;
  int32_t *state = typed(env, argv[0], napi_int32_array, &stateLength);
  float *out = state ? typed(env, argv[1], napi_float32_array, &outLength) : NULL;
  double *shifts = out ? typed(env, argv[2], napi_float64_array, &columns) : NULL;
  int32_t *k = shifts ? typed(env, argv[3], napi_int32_array, &kLength) : NULL;
  double *w = k ? typed(env, argv[4], napi_float64_array, &wLength) : NULL;
  if (!w) return NULL;
  double std;
  int64_t first, length, columnStep, step;
  CHECK(napi_get_value_double(env, argv[5], &std));
  CHECK(napi_get_value_int64(env, argv[6], &first));
  CHECK(napi_get_value_int64(env, argv[7], &length));
  CHECK(napi_get_value_int64(env, argv[8], &columnStep));
  CHECK(napi_get_value_int64(env, argv[9], &step));
  int32_t *pending = typed(env, argv[10], napi_int32_array, &pendingLength);
  if (!pending) return NULL;
  if (stateLength != 4 || kLength != 128 || wLength != 128 || length < 0 || step < 1 || columnStep < 0 || first < 0) {
    napi_throw_range_error(env, NULL, "sigprop native: bad fillColumns arguments");
    return NULL;
  }
  if (columns > 0 && length > 0) {
    int64_t last = first + (int64_t)(columns - 1) * columnStep + (length - 1) * step;
    if (last >= (int64_t)outLength) { napi_throw_range_error(env, NULL, "sigprop native: fillColumns writes outside out"); return NULL; }
  }
  Xoshiro x = loadState(state);
  int64_t capacity = (int64_t)(pendingLength / 3), missed = 0;
  // local copies: stores to out could alias the tables as far as the compiler knows
  int32_t core[128];
  double width[128];
  memcpy(core, k, sizeof core);
  memcpy(width, w, sizeof width);
  for (size_t c = 0; c < columns; c++) {
    const double shift = shifts[c];
    const int64_t start = first + (int64_t)c * columnStep, end = start + length * step;
    for (int64_t n = start; n != end; n += step) {
      const uint32_t word = nextWord(&x);
      const int32_t i = (int32_t)(word & 127u);
      const int32_t position = (int32_t)word >> 7;
      const int32_t magnitude = position < 0 ? -position : position;
      if (magnitude < core[i]) {
        // as JS evaluates shift + std * (position * w[i]): doubles, no fused multiply-add
        out[n] = (float)(shift + std * ((double)position * width[i]));
      } else {
        if (missed == capacity) {
          napi_value result;
          CHECK(napi_create_int32(env, -1, &result));
          return result;
        }
        pending[missed * 3] = (int32_t)n;
        pending[missed * 3 + 1] = (int32_t)word;
        pending[missed * 3 + 2] = (int32_t)c;
        missed++;
      }
    }
  }
  storeState(state, x);
  napi_value result;
  CHECK(napi_create_int64(env, missed, &result));
  return result;
}

// fillBernoulli(state Int32Array(4), out Float32Array, threshold, scale): RandomStream.fillBernoulli.
static napi_value fillBernoulli(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!getArgs(env, info, 4, argv, "fillBernoulli")) return NULL;
  size_t stateLength, outLength;
  int32_t *state = typed(env, argv[0], napi_int32_array, &stateLength);
  float *out = state ? typed(env, argv[1], napi_float32_array, &outLength) : NULL;
  if (!out) return NULL;
  double threshold, scale;
  CHECK(napi_get_value_double(env, argv[2], &threshold));
  CHECK(napi_get_value_double(env, argv[3], &scale));
  if (stateLength != 4) { napi_throw_range_error(env, NULL, "sigprop native: bad fillBernoulli state"); return NULL; }
  Xoshiro x = loadState(state);
  const float kept = (float)scale;
  for (size_t n = 0; n < outLength; n++) {
    const uint32_t word = nextWord(&x);
    out[n] = (double)word < threshold ? kept : 0.0f;
  }
  storeState(state, x);
  return NULL;
}

// pairTotals(memory, offset, batch, length, width, axis, shift, out Float64Array(3)): for the float32
// tensor [batch, length, width] at `offset` (in floats) in a WebAssembly memory, grouped along
// axis 1 (groups (b, f), over t) or axis 2 (groups (b, t), over f), with s_g = sum_g (y - shift) and
// q_g = sum_g (y - shift)^2 accumulated in double per group: out = the compensated (Neumaier) sums
// over groups of s_g, of q_g and of s_g^2 - q_g. src/sim/pairMoments.ts turns them into moments.
typedef struct { double sum, compensation; } Compensated;

static inline void addCompensated(Compensated *a, double v) {
  const double t = a->sum + v;
  a->compensation += fabs(a->sum) >= fabs(v) ? a->sum - t + v : v - t + a->sum;
  a->sum = t;
}

static inline void addGroup(Compensated totals[3], double s, double q) {
  addCompensated(&totals[0], s);
  addCompensated(&totals[1], q);
  addCompensated(&totals[2], s * s - q);
}

static napi_value pairTotals(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!getArgs(env, info, 8, argv, "pairTotals")) return NULL;
  void *data;
  size_t bytes, outLength;
  CHECK(napi_get_arraybuffer_info(env, argv[0], &data, &bytes));
  int64_t v[5];
  for (int i = 0; i < 5; i++) CHECK(napi_get_value_int64(env, argv[1 + i], &v[i]));
  double shift;
  CHECK(napi_get_value_double(env, argv[6], &shift));
  double *out = typed(env, argv[7], napi_float64_array, &outLength);
  if (!out) return NULL;
  const int64_t offset = v[0], batch = v[1], length = v[2], width = v[3], axis = v[4];
  if (outLength != 3 || offset < 0 || batch < 1 || length < 1 || width < 1 || (axis != 1 && axis != 2) ||
      offset + batch * length * width > (int64_t)(bytes / sizeof(float))) {
    napi_throw_range_error(env, NULL, "sigprop native: bad pairTotals arguments");
    return NULL;
  }
  const float *y = (const float *)data + offset;
  Compensated totals[3] = {{0, 0}, {0, 0}, {0, 0}};
  if (axis == 2) {
    for (int64_t g = 0; g < batch * length; g++) {
      double s = 0, q = 0;
      for (int64_t f = 0; f < width; f++) {
        const double d = (double)y[g * width + f] - shift;
        s += d;
        q += d * d;
      }
      addGroup(totals, s, q);
    }
  } else {
    double *s = calloc((size_t)width * 2, sizeof(double));
    if (!s) { napi_throw_error(env, NULL, "sigprop native: out of memory"); return NULL; }
    double *q = s + width;
    for (int64_t b = 0; b < batch; b++) {
      const float *sample = y + b * length * width;
      for (int64_t f = 0; f < width; f++) s[f] = q[f] = 0;
      for (int64_t t = 0; t < length; t++)
        for (int64_t f = 0; f < width; f++) {
          const double d = (double)sample[t * width + f] - shift;
          s[f] += d;
          q[f] += d * d;
        }
      for (int64_t f = 0; f < width; f++) addGroup(totals, s[f], q[f]);
    }
    free(s);
  }
  for (int i = 0; i < 3; i++) out[i] = totals[i].sum + totals[i].compensation;
  return NULL;
}

static int define(napi_env env, napi_value exports, const char *name, napi_callback function) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, function, NULL, &fn) == napi_ok && napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
#ifndef SIGPROP_NO_BLAS
  // one thread: sigprop runs one worker per core already
  openblas_set_num_threads(1);
  if (!define(env, exports, "sgemm", sgemm) || !define(env, exports, "library", library)) return NULL;
#endif
  if (!define(env, exports, "fillColumns", fillColumns) || !define(env, exports, "fillBernoulli", fillBernoulli) ||
      !define(env, exports, "pairTotals", pairTotals))
    return NULL;
  return exports;
}
