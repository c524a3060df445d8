{
  "targets": [
    {
      "target_name": "desa_kernels",
      "sources": ["src/kernels.c"],
      "cflags": ["-O3", "-march=x86-64-v2", "-std=c11", "-fno-math-errno", "-fno-trapping-math"],
      "libraries": ["-lopenblas", "-lmvec"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
