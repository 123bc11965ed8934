package io.appliance.node.model;

import io.appliance.config.ChapSecret;
import io.appliance.config.ChapSettings;
import io.appliance.config.ChapUser;
import io.appliance.config.IscsiName;
import io.appliance.config.LogicalUnitNumbers;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.NotNull;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One initiator's access to a target ({@code POST .../acls} and the seed).
 *
 * @param initiator        the initiator's iSCSI name
 * @param chapUser         with {@code chapSecret}: the initiator must authenticate with CHAP
 * @param chapSecret       12..255 bytes (RFC 7143 §12.1.3); never returned by the API
 * @param mutualChapUser   with {@code mutualChapSecret}: the target authenticates back; only
 *                         together with CHAP
 * @param mutualChapSecret differs from chapSecret; never returned by the API
 * @param luns             initiator-visible LUN → target LUN; empty: every LUN under its number
 */
@SelfValidating
public record AclSpec(
        @NotNull @IscsiName String initiator,
        @ChapUser String chapUser,
        @ChapSecret String chapSecret,
        @ChapUser String mutualChapUser,
        @ChapSecret String mutualChapSecret,
        Map<Integer, Integer> luns) {

    public AclSpec {
        luns = luns == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(luns));
    }

    /** The CHAP part, for the rules that span fields and for building credentials. */
    public ChapSettings chap() {
        return new ChapSettings(chapUser, chapSecret, mutualChapUser, mutualChapSecret);
    }

    @SelfValidation
    public void checkChapPairs(ViolationCollector violations) {
        // lengths and characters are checked by the field annotations; here only what spans fields
        chap().pairingProblems().forEach(problem -> violations.addViolation(problem.field(), problem.message()));
    }

    @SelfValidation
    public void checkLunNumbers(ViolationCollector violations) {
        luns.forEach((initiatorLun, targetLun) -> {
            if (initiatorLun == null || LogicalUnitNumbers.problem(initiatorLun).isPresent()
                    || targetLun == null || LogicalUnitNumbers.problem(targetLun).isPresent()) {
                violations.addViolation("luns", "maps " + initiatorLun + " to " + targetLun
                        + "; both LUN numbers must be " + LogicalUnitNumbers.MIN + ".." + LogicalUnitNumbers.MAX);
            }
        });
    }

    @Override
    public String toString() {
        return "AclSpec[initiator=" + initiator + ", " + chap() + ", luns=" + luns + "]";
    }
}
