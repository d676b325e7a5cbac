-- wrk reporter: one line per run with requests/s and latency percentiles in milliseconds,
-- plus the count of non-2xx answers (a benchmark of errors is no benchmark).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50=%.1f p95=%.1f p99=%.1f max=%.1f errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad))
end
