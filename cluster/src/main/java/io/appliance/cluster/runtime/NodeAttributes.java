package io.appliance.cluster.runtime;

import java.util.Map;

/** Facts about this node that placement uses, e.g. {@code replicated-disk:r0 -> UpToDate}; sampled at each report. */
public interface NodeAttributes {

    Map<String, String> current();
}
