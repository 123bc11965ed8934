package io.appliance.itest.harness;

/**
 * One logical unit reachable over iSCSI, spelled as libiscsi and qemu want it:
 * {@code iscsi://[user[%password]@]host[:port]/target-iqn/lun} (libiscsi's {@code ISCSI_URL_SYNTAX}).
 *
 * @param host loopback address the portal listens on
 * @param port the portal's TCP port
 * @param targetName the target's iSCSI qualified name
 * @param lun the logical unit number as the initiator sees it
 */
public record IscsiEndpoint(String host, int port, String targetName, int lun) {

    /** The portal alone, for discovery ({@code iscsi-ls}). */
    public String portalUrl() {
        return "iscsi://" + host + ":" + port;
    }

    /** The portal with CHAP credentials, for discovery followed by logins. */
    public String portalUrl(String chapUser, String chapSecret) {
        return "iscsi://" + credentials(chapUser, chapSecret) + host + ":" + port;
    }

    public String lunUrl() {
        return portalUrl() + "/" + targetName + "/" + lun;
    }

    public String lunUrl(String chapUser, String chapSecret) {
        return portalUrl(chapUser, chapSecret) + "/" + targetName + "/" + lun;
    }

    /**
     * The LUN with one-way CHAP credentials and the target's mutual CHAP credentials
     * (libiscsi's {@code target_user}/{@code target_password} URL arguments).
     */
    public String lunUrlWithMutualChap(String chapUser, String chapSecret, String targetUser, String targetSecret) {
        return lunUrl(chapUser, chapSecret) + "?target_user=" + encode(targetUser) + "&target_password=" + encode(targetSecret);
    }

    public IscsiEndpoint withLun(int otherLun) {
        return new IscsiEndpoint(host, port, targetName, otherLun);
    }

    private static String credentials(String user, String secret) {
        return encode(user) + "%" + encode(secret) + "@";
    }

    /**
     * libiscsi splits the URL at {@code %}, {@code @}, {@code :}, {@code /}, {@code ?} and {@code &}
     * without any escape, so credentials are limited to characters that cannot be mistaken for those.
     */
    private static String encode(String value) {
        if (!value.matches("[A-Za-z0-9._+=-]+")) {
            throw new IllegalArgumentException("credential not expressible in a libiscsi URL: use letters, digits and ._+=-");
        }
        return value;
    }
}
