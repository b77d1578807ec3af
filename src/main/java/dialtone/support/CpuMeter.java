package dialtone.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's CPU against the cores it may use, and how busy the whole machine is, from {@code /proc} and the
 * cgroup file system (Linux). The cores a process may use are the fewer of its CPU affinity ({@code taskset},
 * {@code Cpus_allowed_list}) and its cgroup's CPU quota (v2 {@code cpu.max}, v1 {@code cpu.cfs_quota_us}), the
 * tightest of its cgroup and that cgroup's ancestors. Where a file is missing the figure is -1.
 */
public final class CpuMeter {
    /** USER_HZ: the unit of /proc's CPU times; 100 on every Linux this runs on. */
    static final double HZ = 100;

    /** One reading: wall time, this process's CPU (ticks), the machine's busy and total ticks. */
    public record Sample(long nanos, long processTicks, long machineBusy, long machineTotal) {
        /** Cores this process used between {@code earlier} and this sample (1.0 = one core all the time). */
        public double coresSince(Sample earlier) {
            double secs = (nanos - earlier.nanos) / 1e9;
            if (secs <= 0 || processTicks < 0 || earlier.processTicks < 0) {
                return -1;
            }
            return (processTicks - earlier.processTicks) / HZ / secs;
        }

        /** The share (0 to 1) of the machine's CPU time that was busy (anyone's) since {@code earlier}. */
        public double machineBusySince(Sample earlier) {
            long total = machineTotal - earlier.machineTotal;
            if (total <= 0 || machineTotal < 0 || earlier.machineTotal < 0) {
                return -1;
            }
            return (double) (machineBusy - earlier.machineBusy) / total;
        }
    }

    private final Path proc;
    private final Path cgroupRoot;

    public CpuMeter() {
        this(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
    }

    CpuMeter(Path proc, Path cgroupRoot) {
        this.proc = proc;
        this.cgroupRoot = cgroupRoot;
    }

    public Sample sample() {
        long process = -1;
        long busy = -1;
        long total = -1;
        try {
            process = processTicks(Files.readString(proc.resolve("self/stat")));
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: the figure is unknown
        }
        try {
            long[] m = machineTicks(Files.readString(proc.resolve("stat")));
            busy = m[0];
            total = m[1];
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return new Sample(System.nanoTime(), process, busy, total);
    }

    /** The cores this process may use: affinity and cgroup quota, the fewer; -1 if neither is known. */
    public double coresAvailable() {
        double cores = Runtime.getRuntime().availableProcessors();
        try {
            for (String line : Files.readAllLines(proc.resolve("self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    cores = countCpus(line.substring(line.indexOf(':') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep the JVM's figure
        }
        try {
            double quota = quotaCores(Files.readString(proc.resolve("self/cgroup")));
            if (quota > 0) {
                cores = Math.min(cores, quota);
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup: no quota
        }
        return cores;
    }

    /** utime + stime of {@code /proc/PID/stat} (fields 14 and 15; the command name may contain spaces). */
    static long processTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state): field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** {busy, total} from the first line of {@code /proc/stat} (idle and iowait are not busy). */
    static long[] machineTicks(String stat) {
        String first = stat.lines().findFirst().orElseThrow();
        String[] f = first.trim().split("\\s+");
        if (!f[0].equals("cpu")) {
            throw new IllegalArgumentException("not /proc/stat");
        }
        long total = 0;
        long idle = 0;
        for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) {
                idle += v;
            }
        }
        return new long[] {total - idle, total};
    }

    /** Counts a CPU list such as {@code 0-1,4,6-7}. */
    static int countCpus(String list) {
        int n = 0;
        for (String part : list.trim().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            if (dash < 0) {
                n++;
            } else {
                n += Integer.parseInt(part.substring(dash + 1).trim()) - Integer.parseInt(part.substring(0, dash).trim()) + 1;
            }
        }
        return n;
    }

    /**
     * The CPU quota of this process's cgroup in cores (the tightest of the cgroup and its ancestors), from the
     * content of {@code /proc/self/cgroup}; -1 when there is none.
     */
    double quotaCores(String procSelfCgroup) {
        double best = -1;
        for (String line : procSelfCgroup.lines().toList()) {
            String[] p = line.split(":", 3);
            if (p.length < 3) {
                continue;
            }
            if (p[0].equals("0") && p[1].isEmpty()) { // cgroup v2
                for (Path d = cgroupRoot.resolve(p[2].substring(1)); d != null && d.startsWith(cgroupRoot); d = d.getParent()) {
                    best = tighter(best, v2(d.resolve("cpu.max")));
                    best = tighter(best, v2(d.resolve("unified").resolve("cpu.max")));
                }
            } else if (java.util.Arrays.asList(p[1].split(",")).contains("cpu")) { // cgroup v1
                for (String mount : new String[] {p[1], "cpu", "cpu,cpuacct"}) {
                    Path base = cgroupRoot.resolve(mount);
                    for (Path d = base.resolve(p[2].substring(1)); d != null && d.startsWith(base); d = d.getParent()) {
                        best = tighter(best, v1(d));
                    }
                }
            }
        }
        return best;
    }

    private static double tighter(double a, double b) {
        return b <= 0 ? a : a <= 0 ? b : Math.min(a, b);
    }

    /** {@code cpu.max}: "max 100000" (none) or "50000 100000" (half a core). */
    static double v2(Path cpuMax) {
        try {
            String[] f = Files.readString(cpuMax).trim().split("\\s+");
            return f[0].equals("max") ? -1 : Double.parseDouble(f[0]) / Double.parseDouble(f[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double v1(Path dir) {
        try {
            long quota = Long.parseLong(Files.readString(dir.resolve("cpu.cfs_quota_us")).trim());
            long period = Long.parseLong(Files.readString(dir.resolve("cpu.cfs_period_us")).trim());
            return quota <= 0 || period <= 0 ? -1 : (double) quota / period;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
