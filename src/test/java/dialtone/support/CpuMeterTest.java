package dialtone.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc and cgroup figures, from files as the kernel writes them. */
class CpuMeterTest {
    @TempDir
    Path dir;

    @Test
    void processTicksAreUtimePlusStimeEvenWithSpacesInTheName() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 40 0 100 0 0";
        assertEquals(325, CpuMeter.processTicks(stat));
    }

    @Test
    void machineTicksCountIdleAndIowaitAsNotBusy() {
        long[] m = CpuMeter.machineTicks("cpu  100 10 50 800 40 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
        assertEquals(160, m[0]);
        assertEquals(1000, m[1]);
    }

    @Test
    void cpuListsAreCounted() {
        assertEquals(2, CpuMeter.countCpus("0-1"));
        assertEquals(1, CpuMeter.countCpus(" 0\n"));
        assertEquals(5, CpuMeter.countCpus("0-1,4,6-7"));
    }

    @Test
    void aSampleGivesCoresUsedAndTheMachinesBusyShare() {
        CpuMeter.Sample a = new CpuMeter.Sample(0, 1000, 5000, 10000);
        CpuMeter.Sample b = new CpuMeter.Sample(2_000_000_000L, 1380, 5350, 10400); // 380 ticks in 2 s
        assertEquals(1.9, b.coresSince(a), 1e-9);
        assertEquals(350.0 / 400, b.machineBusySince(a), 1e-9);
        assertEquals(-1, b.coresSince(new CpuMeter.Sample(0, -1, -1, -1)));
    }

    @Test
    void theTightestQuotaOfTheCgroupAndItsAncestorsCounts() throws Exception {
        // cgroup v2: a 1.5-core quota on the parent, none on the leaf
        Path leaf = Files.createDirectories(dir.resolve("system.slice/ci.service"));
        Files.writeString(leaf.resolve("cpu.max"), "max 100000\n");
        Files.writeString(dir.resolve("system.slice/cpu.max"), "150000 100000\n");
        CpuMeter m = new CpuMeter(dir, dir);
        assertEquals(1.5, m.quotaCores("0::/system.slice/ci.service\n"), 1e-9);
        assertEquals(-1, m.quotaCores("0::/\n"));
        // cgroup v1 (cpu,cpuacct): half a core
        Path v1 = Files.createDirectories(dir.resolve("cpu,cpuacct/job"));
        Files.writeString(v1.resolve("cpu.cfs_quota_us"), "50000\n");
        Files.writeString(v1.resolve("cpu.cfs_period_us"), "100000\n");
        assertEquals(0.5, m.quotaCores("4:cpu,cpuacct:/job\n1:name=systemd:/\n"), 1e-9);
        Files.writeString(v1.resolve("cpu.cfs_quota_us"), "-1\n");
        assertEquals(-1, m.quotaCores("4:cpu,cpuacct:/job\n"));
    }

    @Test
    void coresAvailableAreTheFewerOfAffinityAndQuota() throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc/self"));
        Files.writeString(proc.resolve("status"), "Name:\tjava\nCpus_allowed_list:\t0-3\n");
        Files.writeString(proc.resolve("cgroup"), "0::/job\n");
        Path cg = Files.createDirectories(dir.resolve("cg/job"));
        Files.writeString(cg.resolve("cpu.max"), "250000 100000\n");
        CpuMeter m = new CpuMeter(dir.resolve("proc"), dir.resolve("cg"));
        assertEquals(2.5, m.coresAvailable(), 1e-9);
        Files.writeString(proc.resolve("status"), "Cpus_allowed_list:\t1\n"); // taskset -c 1
        assertEquals(1.0, m.coresAvailable(), 1e-9);
    }
}
