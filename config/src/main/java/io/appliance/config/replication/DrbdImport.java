package io.appliance.config.replication;

import java.util.List;

/**
 * What a DRBD configuration file means here.
 *
 * @param resources the resources, in file order (includes expanded in place)
 * @param warnings {@code FILE:LINE:COLUMN: message} for each DRBD setting that means nothing here
 *     and was ignored
 */
public record DrbdImport(List<ResourceDefinition> resources, List<String> warnings) {

    public DrbdImport {
        resources = List.copyOf(resources);
        warnings = List.copyOf(warnings);
    }
}
