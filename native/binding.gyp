{
  "targets": [
    {
      "target_name": "desa_kernels",
      "sources": ["src/kernels.c"],
      "cflags": ["-O3", "-march=x86-64-v2", "-std=c11"],
      "libraries": ["-lopenblas"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
