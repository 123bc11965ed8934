package io.appliance.lvm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads lvm2's {@code --reportformat json} output: {@code {"report":[{"pv":[{"pv_name":"...",...}]}]}},
 * every value a string (with {@code --units b --nosuffix}, sizes are plain byte counts).
 */
final class Lvm2Reports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Lvm2Reports() {
    }

    /** The rows of report type {@code kind} ("pv", "vg", "lv"), in lvm2's order. */
    static List<Map<String, String>> rows(String stdout, String kind, List<String> argv) throws LvmException {
        JsonNode root;
        try {
            root = JSON.readTree(stdout);
        } catch (JsonProcessingException e) {
            throw malformed(argv, "not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.path("report").isArray()) {
            throw malformed(argv, "no \"report\" array", null);
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode report : root.path("report")) {
            JsonNode entries = report.path(kind);
            if (!entries.isArray()) {
                throw malformed(argv, "no \"" + kind + "\" array in the report", null);
            }
            for (JsonNode entry : entries) {
                Map<String, String> row = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> field : entry.properties()) {
                    row.put(field.getKey(), field.getValue().asText());
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static String text(Map<String, String> row, String field, List<String> argv) throws LvmException {
        String value = row.get(field);
        if (value == null) {
            throw malformed(argv, "a row lacks the \"" + field + "\" column", null);
        }
        return value;
    }

    static long number(Map<String, String> row, String field, List<String> argv) throws LvmException {
        String value = text(row, field, argv);
        try {
            long number = Long.parseLong(value);
            if (number < 0) {
                throw malformed(argv, "negative \"" + field + "\": " + value, null);
            }
            return number;
        } catch (NumberFormatException e) {
            throw malformed(argv, "\"" + field + "\" is not a whole number: " + value, e);
        }
    }

    static LvmException malformed(List<String> argv, String what, Throwable cause) {
        return new LvmException(LvmException.Reason.TOOL_FAILED, "unexpected output from `" + String.join(" ", argv)
                + "` (" + what + "): is this lvm2 2.02.158 or later? check `lvm version`", cause);
    }
}
