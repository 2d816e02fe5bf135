# The test hosts, given by the bench: BENCH_HOSTS=ip1,ip2,...  (all of them at once, in parallel).
ENV.fetch("BENCH_HOSTS").split(",").each { |ip| server ip, user: "django", roles: %w[app] }
