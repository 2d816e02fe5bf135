// Process accounting on a test host: every process's command line, read from /proc every 20 ms
// by one perl process (perl is in every Debian: perl-base is essential). It was `ps` every 50 ms:
// a fork and exec per sample, whose rate fell to 4 a second on a loaded machine; reading /proc in
// place keeps it. Each distinct "user command line" is written once; a line "#sample" marks
// every pass. Its files are root's, mode 600, in /root: what it saw (secrets.test.ts's markers)
// is in no world-readable file.
import type { Host } from '../testbed/index.ts';

const SAMPLER = String.raw`$| = 1;
my (%seen, %name);
while (1) {
  print "#sample\n";
  opendir(my $proc, '/proc') or die "/proc: $!";
  for my $pid (grep { /^[0-9]+$/ } readdir $proc) {
    open(my $f, '<', "/proc/$pid/cmdline") or next;
    my $args = do { local $/; <$f> };
    close $f;
    next unless defined $args && length $args;
    $args =~ s/\0+$//;
    $args =~ tr/\0/ /;
    my $uid = (stat "/proc/$pid")[4];
    next unless defined $uid;
    $name{$uid} //= getpwuid($uid) // $uid;
    my $line = "$name{$uid} $args";
    print "$line\n" unless $seen{$line}++;
  }
  closedir $proc;
  select(undef, undef, undef, 0.02);
}`;

export interface Samples {
  /** Every distinct "user command line" seen (user name, a space, the arguments joined by spaces), sorted. */
  lines: string[];
  /** Passes over /proc. */
  samples: number;
  /** Seconds from the sampler's start to its stop. */
  seconds: number;
}

export interface Sampler {
  /** Stops the sampler (before anything reads what it saw: it never sees that) and returns what it saw. */
  stop(): Promise<Samples>;
}

/** Starts the sampler on the host (at nice -10, so that a busy host does not starve it); resolves once it watches. */
export async function startSampler(host: Host): Promise<Sampler> {
  await host.run(`cat > /root/ps-sampler.pl <<'EOF'
${SAMPLER}
EOF`);
  await host.run(
    `setsid -f nice -n -10 bash -c 'umask 077; echo $$ > /root/ps-sampler.pid; date +%s.%N > /root/ps-sampler.start; exec perl /root/ps-sampler.pl > /root/ps-samples.txt 2>&1' </dev/null >/dev/null 2>&1`,
  );
  // Its first pass written: it watches from here on.
  await host.run(
    `for i in $(seq 400); do grep -qs '^#sample' /root/ps-samples.txt && exit 0; sleep 0.05; done; echo 'the sampler never started' >&2; exit 1`,
  );
  return {
    async stop() {
      const [since, until] = (
        await host.run(
          'pid="$(cat /root/ps-sampler.pid)"; kill "$pid"; for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done; cat /root/ps-sampler.start; date +%s.%N',
        )
      )
        .trim()
        .split('\n')
        .map(Number);
      const samples = Number((await host.run("grep -c '^#sample' /root/ps-samples.txt")).trim());
      const lines = (await host.run("grep -v '^#sample' /root/ps-samples.txt | sort -u")).split('\n').filter(Boolean);
      return { lines, samples, seconds: until - since };
    },
  };
}
