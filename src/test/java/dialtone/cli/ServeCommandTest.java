package dialtone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.serve.ServeConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A module's flags are checked by the command line's own parser when the file is loaded, not at the first scrape. */
class ServeCommandTest {
    @Test
    void moduleFlagsAreParsedAsTheCommandLineParsesThem() {
        assertNull(ServeCommand.checkFlags(List.of("call", "--ws-uri", "wss://x", "--duration", "3s", "--json", "--", "sip:echo@x")));
        assertNull(ServeCommand.checkFlags(List.of("probe", "--only", "https", "--json")));
        assertTrue(ServeCommand.checkFlags(List.of("call", "--nope", "--json")).contains("--nope"));
        assertTrue(ServeCommand.checkFlags(List.of("call", "--duration", "soon", "--json")).contains("soon"));
        assertTrue(ServeCommand.checkFlags(List.of("config", "--json", "--", "sip:x")).contains("sip:x"));
    }

    @Test
    void aModuleWithAFlagTheCommandLineRefusesIsRefused() {
        String yaml = "modules:\n  c:\n    command: call\n    args: [--ws-uri, 'wss://x', --duration, 3s, --expect-tone, loud]\n";
        String why = assertThrows(ServeConfig.Invalid.class, () -> ServeConfig.parse(yaml, ServeCommand::checkFlags, Map.of())).getMessage();
        assertTrue(why.startsWith("module c: ") && why.contains("loud"), why);
    }

    @Test
    void theListenerIsLoopbackByDefaultAndAnAddressIsChecked() {
        CommandLine cl = new CommandLine(new ServeCommand());
        assertEquals("127.0.0.1", ServeCommand.listenAddress(cl, ServeCommand.DEFAULT_LISTEN).getAddress().getHostAddress());
        assertEquals(9431, ServeCommand.listenAddress(cl, ServeCommand.DEFAULT_LISTEN).getPort());
        assertTrue(ServeCommand.listenAddress(cl, ":9431").getAddress().isAnyLocalAddress());
        assertEquals("::1", ServeCommand.listenAddress(cl, "[::1]:9431").getAddress().getHostAddress().replace("0:0:0:0:0:0:0:1", "::1"));
        assertThrows(CommandLine.ParameterException.class, () -> ServeCommand.listenAddress(cl, "9431"));
        assertThrows(CommandLine.ParameterException.class, () -> ServeCommand.listenAddress(cl, "127.0.0.1:99999"));
        assertThrows(CommandLine.ParameterException.class, () -> ServeCommand.listenAddress(cl, "example.com:9431"));
    }
}
