{
  "targets": [
    {
      "target_name": "tincan_watchdog",
      "sources": ["native/watchdog.cc"],
      "cflags_cc": ["-std=c++17", "-O2"]
    }
  ]
}
