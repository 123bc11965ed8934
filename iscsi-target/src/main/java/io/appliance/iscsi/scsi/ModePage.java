package io.appliance.iscsi.scsi;

/**
 * The mode pages this device server implements (SPC-4 §7.5, SBC-3 §6.4), each encoded field by
 * field in the order of its table. Only the caching page's WCE bit is changeable; nothing is
 * savable (PS = 0).
 */
enum ModePage {

    /** Caching mode page, SBC-3 §6.4.5 Table 133: WCE is byte 2 bit 2, RCD byte 2 bit 0 (0: read cache on). */
    CACHING(0x08, 0x12) {
        @Override
        void encodeFields(byte[] page, PageControl control, ModeParameters parameters, boolean readOnly) {
            boolean writeCache = switch (control) {
                case CURRENT -> parameters.writeCacheEnabled();
                case DEFAULT -> ModeParameters.DEFAULT_WRITE_CACHE_ENABLED;
                case CHANGEABLE -> true;
            };
            page[2] = (byte) (writeCache ? WCE : 0);
        }

        @Override
        void apply(byte[] page, int offset, ModeParameters parameters) {
            parameters.writeCacheEnabled((page[offset + 2] & WCE) != 0);
        }
    },

    /**
     * Control mode page, SPC-4 §7.5.7 Table 456: TST 000b (one task set), D_SENSE 0 (fixed sense
     * only), GLTSD 1 (no log parameters are saved), queue algorithm modifier 1 (unrestricted
     * reordering: SIMPLE tasks may complete in any order), QErr 00b, SWP mirrors a read-only unit,
     * TAS 0 (tasks of other nexuses are not aborted by a reset here, they are waited for).
     */
    CONTROL(0x0A, 0x0A) {
        @Override
        void encodeFields(byte[] page, PageControl control, ModeParameters parameters, boolean readOnly) {
            if (control == PageControl.CHANGEABLE) {
                return;
            }
            page[2] = 0x02;
            page[3] = 0x10;
            page[4] = (byte) (readOnly && control == PageControl.CURRENT ? 0x08 : 0);
            Cdb.putShort(page, 8, 0xFFFF); // BUSY TIMEOUT PERIOD: unlimited
        }
    },

    /**
     * Informational exceptions control mode page, SPC-4 §7.5.12 Table 478: DEXCPT 1, MRIE 0 — this
     * device reports no informational exceptions.
     */
    INFORMATIONAL_EXCEPTIONS(0x1C, 0x0A) {
        @Override
        void encodeFields(byte[] page, PageControl control, ModeParameters parameters, boolean readOnly) {
            if (control != PageControl.CHANGEABLE) {
                page[2] = 0x08;
            }
        }
    };

    static final int ALL_PAGES = 0x3F;
    private static final int WCE = 0x04;

    private final int code;
    private final int pageLength;

    ModePage(int code, int pageLength) {
        this.code = code;
        this.pageLength = pageLength;
    }

    int code() {
        return code;
    }

    /** Whole page size including the two header bytes. */
    int size() {
        return pageLength + 2;
    }

    static ModePage byCode(int code) {
        for (ModePage page : values()) {
            if (page.code == code) {
                return page;
            }
        }
        return null;
    }

    byte[] encode(PageControl control, ModeParameters parameters, boolean readOnly) {
        byte[] page = new byte[size()];
        page[0] = (byte) code; // PS 0: not savable; SPF 0: page_0 format
        page[1] = (byte) pageLength;
        encodeFields(page, control, parameters, readOnly);
        return page;
    }

    abstract void encodeFields(byte[] page, PageControl control, ModeParameters parameters, boolean readOnly);

    /** Applies the changeable fields of a validated page found at {@code offset} of {@code data}. */
    void apply(byte[] data, int offset, ModeParameters parameters) {
    }

    /** PC field of MODE SENSE (SPC-4 §6.11.2 Table 151), without SAVED (not supported). */
    enum PageControl {
        CURRENT, CHANGEABLE, DEFAULT
    }
}
