package io.appliance.iscsi.target;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Admits one initiator (by iSCSI name, compared case-insensitively, RFC 3722) to a target.
 *
 * @param initiatorName the initiator's iSCSI name
 * @param chap          credentials the initiator must prove (initiator authenticates to the
 *                      target); empty means AuthMethod=None is accepted
 * @param mutualChap    credentials the target proves back (mutual CHAP); only with {@code chap}
 * @param lunMapping    initiator-visible LUN number → target LUN number; empty maps every LUN of
 *                      the target under its own number
 */
public record AccessControlEntry(
        String initiatorName,
        Optional<ChapCredentials> chap,
        Optional<ChapCredentials> mutualChap,
        Map<Integer, Integer> lunMapping) {

    public AccessControlEntry {
        Objects.requireNonNull(initiatorName, "initiatorName");
        Objects.requireNonNull(chap, "chap");
        Objects.requireNonNull(mutualChap, "mutualChap");
        lunMapping = Map.copyOf(lunMapping);
        if (mutualChap.isPresent() && chap.isEmpty()) {
            throw new IllegalArgumentException("mutual CHAP needs initiator CHAP as well");
        }
    }

    public boolean matches(String name) {
        return initiatorName.equalsIgnoreCase(name);
    }
}
