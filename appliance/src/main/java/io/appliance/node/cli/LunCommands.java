package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code appliance lun list|create|delete}. */
@Command(name = "lun", description = "List, create and delete the LUNs of a target.")
final class LunCommands implements Callable<Integer> {

    @ParentCommand
    ApplianceCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ApplianceCli.usage(spec);
    }

    @Command(name = "list", description = "List a target's LUNs.")
    int list(@Parameters(paramLabel = "TARGET") String target) {
        JsonNode luns = root.client().get(path(target));
        if (root.jsonOutput()) {
            root.printJson(luns);
        } else {
            Render.luns(luns).print(root.out());
        }
        return 0;
    }

    @Command(name = "create", description = "Create a LUN backed by a sparse file and present it at once.")
    int create(@Parameters(paramLabel = "TARGET") String target,
            @Option(names = "--lun", required = true, paramLabel = "N", description = "LUN number, 0..16383") int lun,
            @Option(names = "--size", required = true, paramLabel = "SIZE", description = "e.g. 1GiB, 512MiB, or bytes") String size,
            @Option(names = "--file", paramLabel = "PATH",
                    description = "backing file; relative to the state directory (default: luns/<target>-lun<N>.img)") String file,
            @Option(names = "--read-only", description = "refuse writes") boolean readOnly) {
        ObjectNode body = root.mapper().createObjectNode().put("lun", lun).put("size", size).put("readOnly", readOnly);
        if (file != null) {
            body.put("backingFile", file);
        }
        JsonNode created = root.client().post(path(target), body);
        if (root.jsonOutput()) {
            root.printJson(created);
        } else {
            Render.lun(created, root.out());
        }
        return 0;
    }

    @Command(name = "delete", description = "Withdraw and delete a LUN; its file stays unless --delete-file.")
    int delete(@Parameters(paramLabel = "TARGET") String target, @Parameters(paramLabel = "N") int lun,
            @Option(names = "--delete-file", description = "also delete the backing file") boolean deleteFile) {
        root.client().delete(path(target) + "/" + lun + (deleteFile ? "?deleteFile=true" : ""));
        if (!root.jsonOutput()) {
            root.out().println("deleted LUN " + lun + " of " + target + (deleteFile ? " and its file" : ""));
        }
        return 0;
    }

    private static String path(String target) {
        return "api/v1/targets/" + ApiClient.segment(target) + "/luns";
    }
}
