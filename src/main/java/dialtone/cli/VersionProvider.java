package dialtone.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version baked in by the build (resource filtering of dialtone/version.properties). */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static String version() {
        return property("version");
    }

    /** The platforms this build's WebRTC native library runs on ({@code linux-x86_64}). */
    public static String platforms() {
        return property("platforms");
    }

    private static String property(String name) {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dialtone/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "dev"
        }
        String v = p.getProperty(name, "dev");
        return v.startsWith("${") ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"dialtone " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                "Runs on " + platforms() + " (its WebRTC native library); this machine is " + System.getProperty("os.name")
                        .toLowerCase(java.util.Locale.ROOT) + "-" + ("amd64".equals(System.getProperty("os.arch")) ? "x86_64"
                        : System.getProperty("os.arch"))};
    }
}
