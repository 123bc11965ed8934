package io.appliance.lvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code pvs}: every physical volume this node sees, in a volume group or not. */
final class Pvs {

    static final String COLUMNS = "pv_name,vg_name,pv_size,pv_free,pe_start";

    private Pvs() {
    }

    static List<String> argv(Lvm2Commands lvm2) {
        List<String> argv = lvm2.argv("pvs");
        argv.addAll(List.of("--reportformat", "json", "--units", "b", "--nosuffix", "-o", COLUMNS));
        return argv;
    }

    static List<PhysicalVolume> list(Lvm2Commands lvm2) throws LvmException {
        List<String> argv = argv(lvm2);
        CommandResult result = lvm2.run(argv, null);
        return parse(result.stdout(), argv);
    }

    static List<PhysicalVolume> parse(String json, List<String> argv) throws LvmException {
        List<PhysicalVolume> volumes = new ArrayList<>();
        for (Map<String, String> row : Lvm2Reports.rows(json, "pv", argv)) {
            volumes.add(new PhysicalVolume(Lvm2Reports.text(row, "pv_name", argv), Lvm2Reports.text(row, "vg_name", argv),
                    Lvm2Reports.number(row, "pv_size", argv), Lvm2Reports.number(row, "pv_free", argv),
                    Lvm2Reports.number(row, "pe_start", argv)));
        }
        return volumes;
    }
}
