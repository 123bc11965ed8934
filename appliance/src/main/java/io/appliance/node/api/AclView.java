package io.appliance.node.api;

import io.appliance.node.store.AclRecord;
import java.util.Map;

/**
 * An ACL as the API shows it: whether CHAP is required and under which names, never the secrets.
 *
 * @param luns initiator LUN → target LUN; empty: every LUN under its own number
 */
public record AclView(String initiator, boolean chap, String chapUser, boolean mutualChap, String mutualChapUser,
        Map<Integer, Integer> luns, String createdAt) {

    static AclView of(AclRecord record) {
        var chap = record.chap();
        return new AclView(record.initiator(), chap.chapEnabled(), chap.chapUser(), chap.mutualChapEnabled(),
                chap.mutualChapUser(), record.lunMapping(), record.createdAt().toString());
    }
}
