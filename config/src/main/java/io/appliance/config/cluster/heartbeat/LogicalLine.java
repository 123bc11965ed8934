package io.appliance.config.cluster.heartbeat;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of a Heartbeat file after removing comments ({@code #} at the start of a word up to the end of the
 * line) and joining lines ending in {@code \}.
 *
 * @param number the 1-based number of the first physical line
 * @param words the words, never empty
 */
record LogicalLine(int number, List<String> words) {

    LogicalLine {
        words = List.copyOf(words);
    }

    String keyword() {
        return words.get(0);
    }

    List<String> arguments() {
        return words.subList(1, words.size());
    }

    /** The non-empty lines of {@code text}; a {@code \} before the end of a line continues it. */
    static List<LogicalLine> split(String text) {
        List<LogicalLine> lines = new ArrayList<>();
        String[] physical = text.split("\r?\n", -1);
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < physical.length; i++) {
            String line = stripComment(physical[i]);
            boolean continued = line.stripTrailing().endsWith("\\");
            if (continued) {
                line = line.stripTrailing();
                line = line.substring(0, line.length() - 1);
            }
            if (words.isEmpty()) {
                start = i + 1;
            }
            for (String word : line.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
            if (!continued && !words.isEmpty()) {
                lines.add(new LogicalLine(start, words));
                words = new ArrayList<>();
            }
        }
        if (!words.isEmpty()) {
            lines.add(new LogicalLine(start, words));
        }
        return lines;
    }

    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
