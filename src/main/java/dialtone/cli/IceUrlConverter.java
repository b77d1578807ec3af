package dialtone.cli;

import dialtone.config.IceUrl;
import dialtone.support.Printable;
import picocli.CommandLine;

/**
 * {@code --ice-server URL}: parsed once, here, into an {@link IceUrl}; everything after the flags takes the parsed
 * value. A refused URL is a usage error (exit 2) that names it, except one carrying credentials, which is never
 * shown (the password would be on the terminal).
 */
final class IceUrlConverter implements CommandLine.ITypeConverter<IceUrl> {
    @Override
    public IceUrl convert(String url) {
        try {
            return IceUrl.parse(url);
        } catch (IllegalArgumentException e) {
            String shown = url.contains("@") ? "(a URL with credentials, not shown)" : Printable.escape(url.strip());
            throw new Refused("--ice-server " + shown + " " + e.getMessage());
        }
    }

    /** A refusal whose message is the whole usage message (picocli would prefix "Invalid value for option ..."). */
    static final class Refused extends CommandLine.TypeConversionException {
        Refused(String message) {
            super(message);
        }
    }
}
