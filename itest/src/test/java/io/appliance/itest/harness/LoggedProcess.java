package io.appliance.itest.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A server started by a harness whose output goes to a log file, shown when a test fails. */
public interface LoggedProcess {

    /** A short name for headings, such as {@code appliance} or {@code tgtd}. */
    String displayName();

    /** The file the process writes its standard output and error to. */
    Path logFile();

    /** The last {@code lines} lines of the log, or a note saying why there are none. Never throws. */
    default String logTail(int lines) {
        Path file = logFile();
        try {
            if (!Files.exists(file)) {
                return "(no log file " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log " + file + " unreadable: " + e + ")";
        }
    }
}
