package io.appliance.config.cluster.heartbeat;

import io.appliance.config.cluster.AuthKey;
import io.appliance.config.cluster.AuthMethod;
import io.appliance.config.cluster.ClusterDefinitionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads {@code authkeys}: {@code auth N} selects key N among lines {@code N METHOD SECRET}. */
final class Authkeys {

    private record Key(String method, String secret, int line) {
    }

    private Authkeys() {
    }

    static AuthKey parse(String sourceName, String text) {
        Integer selected = null;
        int selectedLine = 0;
        Map<Integer, Key> keys = new LinkedHashMap<>();
        for (LogicalLine line : LogicalLine.split(text)) {
            if (line.keyword().equalsIgnoreCase("auth")) {
                if (line.arguments().size() != 1 || !line.arguments().get(0).matches("\\d{1,2}")) {
                    throw new HeartbeatConfigException(sourceName, line.number(), "usage: auth N (the key to use)");
                }
                selected = Integer.parseInt(line.arguments().get(0));
                selectedLine = line.number();
                continue;
            }
            if (!line.keyword().matches("\\d{1,2}") || line.arguments().isEmpty()) {
                throw new HeartbeatConfigException(sourceName, line.number(),
                        "expected 'auth N' or 'N METHOD SECRET', e.g. 1 sha1 MySecret");
            }
            int index = Integer.parseInt(line.keyword());
            List<String> rest = line.arguments();
            String secret = String.join(" ", rest.subList(1, rest.size()));
            if (keys.putIfAbsent(index, new Key(rest.get(0).toLowerCase(Locale.ROOT), secret, line.number())) != null) {
                throw new HeartbeatConfigException(sourceName, line.number(), "key " + index + " is defined twice");
            }
        }
        if (selected == null) {
            throw new HeartbeatConfigException(sourceName, 0, "no 'auth N' line: say which key to use, e.g. auth 1");
        }
        Key key = keys.get(selected);
        if (key == null) {
            throw new HeartbeatConfigException(sourceName, selectedLine, "auth " + selected + ": no key " + selected
                    + " is defined (write e.g. '" + selected + " sha1 SECRET')");
        }
        AuthMethod method = switch (key.method()) {
            case "sha1" -> AuthMethod.SHA1;
            case "md5" -> AuthMethod.MD5;
            case "sha256" -> AuthMethod.SHA256;
            case "crc" -> throw new HeartbeatConfigException(sourceName, key.line(),
                    "authkeys method crc gives no authentication: use sha1 with a secret");
            default -> throw new HeartbeatConfigException(sourceName, key.line(),
                    "unknown method '" + key.method() + "': use sha1, md5 or sha256");
        };
        try {
            return new AuthKey(method, key.secret());
        } catch (ClusterDefinitionException e) {
            throw new HeartbeatConfigException(sourceName, key.line(), e.problem(), e);
        }
    }
}
