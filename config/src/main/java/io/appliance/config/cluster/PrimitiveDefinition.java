package io.appliance.config.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One resource (Pacemaker's primitive).
 *
 * @param id {@code [A-Za-z0-9_.-]{1,64}}, unique among all resource and constraint ids
 * @param type a type or alias known to {@link ResourceTypes}; stored canonical ({@code drbd} becomes
 *     {@code replicated-disk})
 * @param params the type's parameters, checked by {@link ResourceTypes#checkParams}; sorted by key
 * @param operations at most one of each of start, stop, monitor; a missing one uses the defaults
 * @param meta meta attributes
 */
public record PrimitiveDefinition(String id, String type, Map<String, String> params,
        List<OperationDefinition> operations, ResourceMeta meta) {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public PrimitiveDefinition {
        checkId(id, "id", "resource id");
        Checks.notNull(type, "type");
        type = ResourceTypes.canonical(type);
        params = Checks.sortedCopy(params, "params");
        ResourceTypes.checkParams("params", type, params);
        Checks.notNull(operations, "operations");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < operations.size(); i++) {
            OperationDefinition operation = Checks.notNull(operations.get(i), "operations[" + i + "]");
            Checks.require(names.add(operation.name()), "operations[" + i + "].name",
                    "resource " + id + ": operation " + operation.name() + " is defined twice");
        }
        operations = List.copyOf(operations);
        Checks.notNull(meta, "meta");
    }

    /** A primitive with default operations (no monitor) and empty meta attributes. */
    public static PrimitiveDefinition of(String id, String type, Map<String, String> params) {
        return new PrimitiveDefinition(id, type, params, List.of(), ResourceMeta.empty());
    }

    /** The operation called {@code name} ({@code start}, {@code stop}, {@code monitor}) if configured. */
    public Optional<OperationDefinition> operation(String name) {
        return operations.stream().filter(operation -> operation.name().equals(name)).findFirst();
    }

    static void checkId(String id, String field, String what) {
        Checks.notNull(id, field);
        Checks.require(ID.matcher(id).matches(), field, what + " '" + id + "' must be 1 to 64 of A-Z a-z 0-9 _ . -");
    }
}
