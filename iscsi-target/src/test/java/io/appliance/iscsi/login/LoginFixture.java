package io.appliance.iscsi.login;

import io.appliance.iscsi.scsi.ScsiTargetDevice;
import io.appliance.iscsi.target.AccessControlEntry;
import io.appliance.iscsi.target.ChapCredentials;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.Portal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Targets, ACLs, key lists and the initiator's side of CHAP for the login tests. */
final class LoginFixture {

    static final String INITIATOR = "iqn.2024-01.io.appliance:initiator";
    static final String OTHER_INITIATOR = "iqn.2024-01.io.appliance:stranger";
    static final String TARGET = "iqn.2024-01.io.appliance:disk1";
    static final ChapCredentials INITIATOR_CHAP = new ChapCredentials("initiator-user", "initiator-secret-123");
    static final ChapCredentials TARGET_CHAP = new ChapCredentials("target-user", "target-secret-4567");

    /** The login never opens a nexus; a call is a test failure. */
    static final ScsiTargetDevice NO_DEVICE = (nexus, lunMapping) -> {
        throw new AssertionError("login must not open a nexus");
    };

    private LoginFixture() {
    }

    static List<TextParameter> keys(String... pairs) {
        List<TextParameter> keys = new ArrayList<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            keys.add(new TextParameter(pair.substring(0, equals), pair.substring(equals + 1)));
        }
        return keys;
    }

    static Map<String, String> asMap(List<TextParameter> keys) {
        Map<String, String> map = new LinkedHashMap<>();
        for (TextParameter key : keys) {
            if (map.put(key.key(), key.value()) != null) {
                throw new AssertionError("key answered twice: " + key.key());
            }
        }
        return map;
    }

    static AccessControlEntry acl(String initiator, Optional<ChapCredentials> chap, Optional<ChapCredentials> mutual) {
        return new AccessControlEntry(initiator, chap, mutual, Map.of());
    }

    static IscsiTarget target(String name, String alias, List<AccessControlEntry> acls, Portal... portals) {
        return new IscsiTarget(name, alias, 1, List.of(portals), false, acls, NO_DEVICE);
    }

    static IscsiTarget openTarget(String name, Portal... portals) {
        return new IscsiTarget(name, "", 1, List.of(portals), true, List.of(), NO_DEVICE);
    }

    /** The initiator's side of RFC 1994 §4.1: hash(identifier || secret || challenge), hex encoded. */
    static String chapResponse(String digestName, int identifier, String secret, byte[] challenge) {
        return "0x" + HexFormat.of().formatHex(chapDigest(digestName, identifier, secret, challenge));
    }

    static byte[] chapDigest(String digestName, int identifier, String secret, byte[] challenge) {
        try {
            MessageDigest digest = MessageDigest.getInstance(digestName);
            digest.update((byte) identifier);
            digest.update(secret.getBytes(StandardCharsets.UTF_8));
            digest.update(challenge);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] hex(String value) {
        return HexFormat.of().parseHex(value.substring(2));
    }
}
