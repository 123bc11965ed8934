package io.appliance.iscsi.scsi;

/**
 * The mode parameters of one logical unit that an initiator may change: today the caching
 * page's WCE. They are volatile (not saved) and shared by every nexus (SPC-4 §7.5.1: one set of
 * current values per logical unit).
 */
final class ModeParameters {

    static final boolean DEFAULT_WRITE_CACHE_ENABLED = true;

    private volatile boolean writeCacheEnabled = DEFAULT_WRITE_CACHE_ENABLED;

    /** WCE 1: writes may complete before they are durable; 0: every write is forced unit access (SBC-3 §6.4.5). */
    boolean writeCacheEnabled() {
        return writeCacheEnabled;
    }

    void writeCacheEnabled(boolean enabled) {
        this.writeCacheEnabled = enabled;
    }
}
