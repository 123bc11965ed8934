package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The CLI's human-readable forms of the API's objects. */
final class Render {

    private Render() {
    }

    static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(item -> items.add(item.asText()));
        return items.isEmpty() ? "-" : String.join(", ", items);
    }

    static String yesNo(JsonNode flag) {
        return flag.asBoolean() ? "yes" : "no";
    }

    static Table targets(JsonNode targets) {
        Table table = new Table("NAME", "ALIAS", "OPEN-ACCESS", "LUNS", "ACLS");
        targets.forEach(t -> table.row(t.path("name").asText(), blankAsDash(t.path("alias").asText()),
                yesNo(t.path("openAccess")), join(t.path("luns")), t.path("acls").size()));
        return table;
    }

    static void target(JsonNode t, PrintWriter out) {
        out.println("name:         " + t.path("name").asText());
        out.println("alias:        " + blankAsDash(t.path("alias").asText()));
        out.println("open access:  " + yesNo(t.path("openAccess")));
        out.println("portal group: " + t.path("portalGroupTag").asInt());
        out.println("LUNs:         " + join(t.path("luns")));
        out.println("ACLs:         " + join(t.path("acls")));
    }

    static Table luns(JsonNode luns) {
        Table table = new Table("LUN", "SIZE", "READ-ONLY", "ONLINE", "SERIAL", "BACKING");
        luns.forEach(l -> table.row(l.path("lun").asInt(), Sizes.format(l.path("size").asLong()), yesNo(l.path("readOnly")),
                l.path("online").asBoolean() ? "yes" : "no: " + l.path("problem").asText(), l.path("serial").asText(),
                backing(l)));
        return table;
    }

    static void lun(JsonNode l, PrintWriter out) {
        out.println("lun:        " + l.path("lun").asInt());
        out.println("size:       " + Sizes.format(l.path("size").asLong()) + " (" + l.path("size").asLong() + " bytes)");
        out.println("read-only:  " + yesNo(l.path("readOnly")));
        out.println("online:     " + (l.path("online").asBoolean() ? "yes" : "no: " + l.path("problem").asText()));
        out.println("uuid:       " + l.path("uuid").asText());
        out.println("serial:     " + l.path("serial").asText());
        out.println("naa:        " + l.path("naa").asText());
        out.println("backing:    " + backing(l));
    }

    /** {@code /path/file.img} or {@code volume vg0/lun0 (extent-map)}. */
    static String backing(JsonNode lun) {
        JsonNode backing = lun.path("backing");
        if (!"volume".equals(backing.path("type").asText())) {
            return lun.path("path").asText();
        }
        String access = backing.path("access").asText("");
        return "volume " + backing.path("pool").asText() + "/" + backing.path("volume").asText()
                + (access.isEmpty() ? "" : " (" + access + ")");
    }

    static Table pools(JsonNode pools) {
        Table table = new Table("NAME", "SIZE", "FREE", "EXTENT", "VOLUMES", "DEVICES");
        pools.forEach(p -> table.row(p.path("name").asText(), Sizes.format(p.path("size").asLong()),
                Sizes.format(p.path("free").asLong()), Sizes.format(p.path("extentSize").asLong()),
                p.path("volumes").asInt(), join(p.path("devices"))));
        return table;
    }

    static void pool(JsonNode p, PrintWriter out) {
        out.println("name:     " + p.path("name").asText());
        out.println("size:     " + Sizes.format(p.path("size").asLong()) + " (" + p.path("size").asLong() + " bytes)");
        out.println("free:     " + Sizes.format(p.path("free").asLong()) + " (" + p.path("free").asLong() + " bytes)");
        out.println("extent:   " + Sizes.format(p.path("extentSize").asLong()));
        out.println("volumes:  " + p.path("volumes").asInt());
        out.println("devices:  " + join(p.path("devices")));
    }

    static Table volumes(JsonNode volumes) {
        Table table = new Table("POOL", "NAME", "SIZE", "USED-BY", "SEGMENTS");
        volumes.forEach(v -> table.row(v.path("pool").asText(), v.path("name").asText(), Sizes.format(v.path("size").asLong()),
                v.path("usedBy").isNull() || v.path("usedBy").isMissingNode() ? "-" : v.path("usedBy").asText(),
                segments(v.path("segments"))));
        return table;
    }

    static void volume(JsonNode v, PrintWriter out) {
        out.println("volume:   " + v.path("pool").asText() + "/" + v.path("name").asText());
        out.println("size:     " + Sizes.format(v.path("size").asLong()) + " (" + v.path("size").asLong() + " bytes)");
        out.println("used by:  " + (v.path("usedBy").isNull() || v.path("usedBy").isMissingNode() ? "-" : v.path("usedBy").asText()));
        out.println("segments: " + segments(v.path("segments")));
    }

    /** As {@code lvs -o seg_pe_ranges} writes them: {@code /dev/loop3:0-24 /dev/loop4:0-9}. */
    static String segments(JsonNode segments) {
        List<String> ranges = new ArrayList<>();
        segments.forEach(s -> {
            long first = s.path("pvStartExtent").asLong();
            ranges.add(s.path("device").asText() + ":" + first + "-" + (first + s.path("extentCount").asLong() - 1));
        });
        return ranges.isEmpty() ? "-" : String.join(" ", ranges);
    }

    static Table acls(JsonNode acls) {
        Table table = new Table("INITIATOR", "CHAP", "MUTUAL-CHAP", "LUNS");
        acls.forEach(a -> table.row(a.path("initiator").asText(), chap(a, "chap", "chapUser"),
                chap(a, "mutualChap", "mutualChapUser"), mapping(a.path("luns"))));
        return table;
    }

    static void acl(JsonNode a, PrintWriter out) {
        out.println("initiator:    " + a.path("initiator").asText());
        out.println("CHAP:         " + chap(a, "chap", "chapUser"));
        out.println("mutual CHAP:  " + chap(a, "mutualChap", "mutualChapUser"));
        out.println("LUNs:         " + mapping(a.path("luns")));
    }

    static Table sessions(JsonNode sessions) {
        Table table = new Table("INITIATOR", "ISID", "TSIH", "TARGET", "TYPE", "CONNECTIONS");
        sessions.forEach(s -> table.row(s.path("initiatorName").asText(), s.path("isid").asText(), s.path("tsih").asInt(),
                blankAsDash(s.path("targetName").asText()), s.path("sessionType").asText(), join(s.path("connections"))));
        return table;
    }

    private static String chap(JsonNode acl, String flag, String user) {
        return acl.path(flag).asBoolean() ? "yes (" + acl.path(user).asText() + ")" : "no";
    }

    private static String mapping(JsonNode luns) {
        if (luns.isEmpty()) {
            return "all";
        }
        List<String> pairs = new ArrayList<>();
        luns.properties().forEach(entry -> pairs.add(entry.getKey() + "->" + entry.getValue().asInt()));
        return String.join(", ", pairs);
    }

    private static String blankAsDash(String text) {
        return text == null || text.isBlank() ? "-" : text;
    }
}
