package dialtone.cli;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.EventBus;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.RunEvent;
import dialtone.report.HumanReporter;
import dialtone.report.JUnitXmlReporter;
import dialtone.report.HtmlReporter;
import dialtone.report.JsonLinesReporter;
import dialtone.report.PcapReporter;
import dialtone.support.DialtoneException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Runs one command's scenario with the reporters its flags ask for: publishes {@code run.started}, runs the
 * body, turns any failure into data, publishes {@code run.finished}, drains the reporters, prints the one-line
 * error, and returns the exit code.
 */
final class Runner {
    /** What a command body may use. */
    interface Scope {
        void publish(Event e);

        Instant now();

        String scenario();

        void secret(String s);

        Io io();

        /** Where probe's STUN/TURN packets go (the --pcap file, or nowhere). */
        default dialtone.support.PacketTap packetTap() {
            return dialtone.support.PacketTap.NONE;
        }
    }

    /** How a scenario ended: its failure (null when it passed) and its key facts for the summary. */
    record Outcome(Failure failure, Map<String, Object> summary) {
        static Outcome passed() {
            return new Outcome(null, Map.of());
        }
    }

    @FunctionalInterface
    interface Body {
        Outcome run(Scope scope) throws Exception;
    }

    private Runner() {
    }

    static String userAgent() {
        return "dialtone/" + VersionProvider.version();
    }

    /**
     * Resolves the profile of a run: the endpoint URL's token is registered with the redactor before anything can
     * print it, then the configuration is fetched and validated (or the direct flags checked).
     */
    static dialtone.config.SipProfile resolve(Scope scope, dialtone.config.TargetSpec t, javax.net.ssl.SSLContext ssl) {
        if (t.endpoint() != null) {
            dialtone.config.UrlPolicy.secrets(ConfigCommand.safeUri(t.endpoint())).forEach(scope::secret);
        }
        return new dialtone.config.ConfigResolver(scope::publish, scope::secret, scope.io().clock(), scope.scenario(),
                userAgent()).resolve(t, ssl);
    }

    static int run(Io io, OutputOptions out, String command, String scenario, Body body) {
        String refused = out.problem();
        if (refused != null) {
            io.err().println("dialtone: " + refused);
            io.err().flush();
            return ExitCodes.USAGE;
        }
        if (out.pcapUnredacted && out.pcap == null) {
            io.err().println("dialtone: --pcap-unredacted needs --pcap FILE");
            io.err().flush();
            return ExitCodes.USAGE;
        }
        if (out.reportAudio && out.report == null) {
            io.err().println("dialtone: --report-audio needs --report FILE");
            io.err().flush();
            return ExitCodes.USAGE;
        }
        EventBus bus = new EventBus((sink, ex) -> {
            io.err().println("dialtone: a reporter failed and was disabled: " + ex.getMessage());
            io.err().flush();
        });
        if (out.json) {
            bus.add(new JsonLinesReporter(io.out(), io.redactor(), out.tags));
        } else {
            boolean color = io.colorAllowed() && !out.noColor;
            // --junit - takes standard output: the timeline goes to standard error
            bus.add(new HumanReporter(out.junitToStdout() ? io.err() : io.out(), out.sipTrace, color, io.terminal()));
        }
        if (out.junit != null) {
            bus.add(out.junitToStdout() ? new JUnitXmlReporter(io.out(), io.redactor())
                    : new JUnitXmlReporter(out.junit, io.redactor()));
        }
        PcapReporter pcap = out.pcap == null ? null
                : new PcapReporter(out.pcap, io.redactor(), out.pcapUnredacted, userAgent());
        if (pcap != null) {
            bus.addUncoalesced(pcap);
        }
        if (out.report != null) {
            bus.add(new HtmlReporter(out.report, io.redactor(), out.reportAudio, f -> {
                return dialtone.engine.Engine.readWav(f, dialtone.report.RecordingView.Pcm::new);
            }));
        }
        if (out.report != null || out.junit != null) {
            // the reports' code is loaded now, beside the run, not at its end (a stop signal leaves it little time)
            Thread warm = new Thread(() -> {
                if (out.junit != null) {
                    JUnitXmlReporter.prewarm();
                }
                if (out.report != null) {
                    HtmlReporter.prewarm();
                }
            }, "report-prewarm");
            warm.setDaemon(true);
            warm.setPriority(Thread.MIN_PRIORITY);
            warm.start();
        }
        Instant start = io.clock().instant();
        Scope scope = new Scope() {
            @Override
            public void publish(Event e) {
                bus.publish(e);
            }

            @Override
            public Instant now() {
                return io.clock().instant();
            }

            @Override
            public String scenario() {
                return scenario;
            }

            @Override
            public void secret(String s) {
                io.redactor().addSecret(s);
            }

            @Override
            public Io io() {
                return io;
            }

            @Override
            public dialtone.support.PacketTap packetTap() {
                return pcap == null ? dialtone.support.PacketTap.NONE : pcap;
            }
        };
        bus.publish(new RunEvent.Started(start, scenario, JsonLinesReporter.SCHEMA_VERSION, "dialtone",
                VersionProvider.version(), command));
        // A stop signal whose teardown is overdue (StopSignal): the run's end is written from the watchdog's thread,
        // now, with the signal's code; whoever starts ending the run first does it, the other waits for it.
        java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        StopSignal.onOverdue(() -> {
            if (ending.compareAndSet(false, true)) {
                // the teardown is abandoned: stop reading the server at once, so that a flood no longer takes the
                // CPU that writing the files needs (what it would still publish comes after run.finished: dropped)
                Thread deaf = new Thread(dialtone.engine.Engine::releaseSignalling, "ws-stop-overdue");
                deaf.setDaemon(true);
                deaf.start();
                try {
                    Failure f = Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted ("
                            + dialtone.support.Signals.describe() + "); the teardown was cut short after "
                            + StopSignal.graceMillis() + " ms");
                    finish(io, out, bus, scenario, start, f, Map.of(), dialtone.support.Signals.exitCode(), null,
                            OVERDUE_WRITE_MILLIS);
                } finally {
                    ended.countDown();
                }
                return true;
            }
            return false;
        });
        Failure failure;
        Map<String, Object> summary = Map.of();
        Throwable bug = null;
        boolean usage = false;
        try {
            Outcome o = body.run(scope);
            failure = o.failure();
            summary = o.summary();
        } catch (DialtoneException e) {
            failure = e.failure();
        } catch (picocli.CommandLine.ParameterException e) {
            // a flag problem found once the run had started: still a usage error, with run.finished written
            failure = Failure.of(Layer.CONFIG, Cause.CONFIG_INVALID, e.getMessage());
            usage = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted");
        } catch (Exception | Error e) {
            bug = e;
            failure = Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR,
                    "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            bus.publish(new RunEvent.InternalError(io.clock().instant(), scenario, command, failure.message()));
        }
        int rc = failure == null ? ExitCodes.OK : usage ? ExitCodes.USAGE
                : failure.cause() == Cause.CANCELED && failure.layer() == Layer.INTERNAL ? dialtone.support.Signals.exitCode()
                : ExitCodes.of(failure.layer());
        if (!ending.compareAndSet(false, true)) {
            // the watchdog is writing the run's end (a signal's teardown was overdue); the process ends with it
            await(ended, OVERDUE_WRITE_MILLIS + 1000);
            StopSignal.onOverdue(null);
            return dialtone.support.Signals.exitCode();
        }
        try {
            finish(io, out, bus, scenario, start, failure, summary, rc, out.verbosity() > 0 ? bug : null,
                    dialtone.support.Signals.stopping() ? OVERDUE_WRITE_MILLIS : 5000);
        } finally {
            ended.countDown();
            StopSignal.onOverdue(null);
        }
        return rc;
    }

    /**
     * How long the run's end may take to write once a stop signal's teardown was overdue (or the run ends after a
     * signal). It takes about 200 ms (the files are written side by side), so that the process is gone within a
     * second of the signal; the bound is much wider for a machine under heavy load (measured: up to 1.5 s with a
     * load average of 15 on 2 cores and a flood going on), where files written late are worth more than files lost.
     */
    static final long OVERDUE_WRITE_MILLIS = 4000;

    /** Publishes run.finished, drains the reporters (their files are written) within {@code waitMillis}, says why. */
    private static void finish(Io io, OutputOptions out, EventBus bus, String scenario, Instant start, Failure failure,
                               Map<String, Object> summary, int rc, Throwable bug, long waitMillis) {
        Instant end = io.clock().instant();
        bus.publish(new RunEvent.Finished(end, scenario, failure == null, rc, Duration.between(start, end).toMillis(),
                failure, summary));
        // after a stop signal (or past a third of the time) the pcap no longer gets a flood's backlog: the files come first
        bus.close(dialtone.support.Signals.stopping() ? 0 : waitMillis / 3, waitMillis);
        io.out().flush();
        if (failure != null && (out.json || !io.terminal())) {
            io.err().println("dialtone: " + dialtone.support.Printable.escape(failure.message()));
        }
        if (bug != null) {
            StringWriter sw = new StringWriter();
            bug.printStackTrace(new PrintWriter(sw));
            io.err().print(sw);
        }
        io.err().flush();
    }

    private static void await(java.util.concurrent.CountDownLatch l, long millis) {
        try {
            l.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
