package io.appliance.itest.harness;

import java.util.List;

/**
 * A target written into the node configuration's {@code seed:} section.
 *
 * @param name       the target IQN
 * @param alias      the TargetAlias
 * @param openAccess demo mode: any initiator, no authentication, all LUNs
 * @param luns       its logical units; each gets a sparse backing file in the harness's directory
 * @param acls       the initiators admitted when {@code openAccess} is false
 */
public record SeedTarget(String name, String alias, boolean openAccess, List<SeedLun> luns, List<SeedAcl> acls) {

    public SeedTarget {
        luns = List.copyOf(luns);
        acls = List.copyOf(acls);
    }

    /** An open-access target with the given LUNs. */
    public static SeedTarget open(String name, SeedLun... luns) {
        return new SeedTarget(name, "itest", true, List.of(luns), List.of());
    }

    /** A target that admits only the initiators of {@code acls}. */
    public static SeedTarget restricted(String name, List<SeedLun> luns, List<SeedAcl> acls) {
        return new SeedTarget(name, "itest", false, luns, acls);
    }

    /**
     * One seeded logical unit.
     *
     * @param lun  its number
     * @param size its size as Dropwizard DataSize text, such as {@code 64MiB}
     */
    public record SeedLun(int lun, String size) {
    }

    /**
     * One seeded ACL entry; the CHAP fields are {@code null} when not used.
     *
     * @param initiator        the initiator IQN admitted
     * @param chapUser         CHAP name the initiator must present
     * @param chapSecret       its secret
     * @param mutualChapUser   CHAP name the target answers with (mutual CHAP)
     * @param mutualChapSecret the target's secret
     */
    public record SeedAcl(String initiator, String chapUser, String chapSecret, String mutualChapUser,
            String mutualChapSecret) {

        public static SeedAcl withChap(String initiator, String chapUser, String chapSecret) {
            return new SeedAcl(initiator, chapUser, chapSecret, null, null);
        }

        public static SeedAcl withMutualChap(String initiator, String chapUser, String chapSecret,
                String mutualChapUser, String mutualChapSecret) {
            return new SeedAcl(initiator, chapUser, chapSecret, mutualChapUser, mutualChapSecret);
        }
    }
}
