package dialtone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The class list that {@code mvn package} builds the start-up archive from (src/main/cds/dialtone.classlist,
 * recorded by scripts/train-startup from a real call) still fits the code: every dialtone class it names exists,
 * and it is a call's list (the engine, the media session and the WSS transport are in it).
 */
class ClassListTest {
    static final Path LIST = Path.of("src/main/cds/dialtone.classlist");

    static Set<String> dialtoneClasses() throws IOException {
        return Files.readAllLines(LIST).stream()
                .filter(l -> !l.startsWith("#") && !l.startsWith("@") && !l.isBlank())
                .map(l -> l.split("\\s+")[0])
                .filter(n -> n.startsWith("dialtone/") && !n.contains("$$Lambda"))
                .collect(Collectors.toSet());
    }

    @Test
    void everyDialtoneClassItNamesStillExists() throws IOException {
        List<String> gone = dialtoneClasses().stream()
                .filter(n -> !Files.exists(Path.of("target/classes", n + ".class")))
                .sorted().toList();
        assertEquals(List.of(), gone, "classes renamed or removed since the list was recorded: run scripts/train-startup");
    }

    @Test
    void itIsTheListOfARealCall() throws IOException {
        Set<String> names = dialtoneClasses();
        for (String c : List.of("dialtone/engine/Call", "dialtone/media/MediaSession", "dialtone/media/AudioPump",
                "dialtone/sip/transport/WebSocketTransport", "dialtone/config/EndpointConfigParser")) {
            assertTrue(names.contains(c), c + " is not in " + LIST);
        }
    }
}
