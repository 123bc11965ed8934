package io.appliance.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The CHAP part of one initiator's access entry as an operator writes it: an optional initiator
 * pair (the initiator proves itself) and an optional mutual pair (the target proves itself back).
 * Any component may be null (not configured). {@link #toString()} never shows a secret.
 */
public record ChapSettings(String chapUser, String chapSecret, String mutualChapUser, String mutualChapSecret) {

    public static final ChapSettings NONE = new ChapSettings(null, null, null, null);

    /** True when the initiator must authenticate with CHAP. */
    public boolean chapEnabled() {
        return chapUser != null && chapSecret != null;
    }

    /** True when the target must authenticate back to the initiator. */
    public boolean mutualChapEnabled() {
        return mutualChapUser != null && mutualChapSecret != null;
    }

    /**
     * Every rule broken, each naming the component as its field: the rules of
     * {@link #pairingProblems()} plus each user and secret on its own per {@link ChapRules}.
     */
    public List<FieldProblem> problems() {
        List<FieldProblem> problems = new ArrayList<>();
        problems.addAll(ChapRules.pairProblems("chapUser", chapUser, "chapSecret", chapSecret));
        problems.addAll(ChapRules.pairProblems("mutualChapUser", mutualChapUser, "mutualChapSecret", mutualChapSecret));
        problems.addAll(crossPairProblems());
        return problems;
    }

    /**
     * Only the rules that span fields: pairs complete, mutual CHAP only together with CHAP, and
     * distinct secrets for the two directions (RFC 7143 §12.1.3: a secret used to authenticate the
     * initiator must not be used to authenticate the target). For callers that validate each
     * value with {@link ChapUser} and {@link ChapSecret}.
     */
    public List<FieldProblem> pairingProblems() {
        List<FieldProblem> problems = new ArrayList<>();
        problems.addAll(ChapRules.completenessProblems("chapUser", chapUser, "chapSecret", chapSecret));
        problems.addAll(ChapRules.completenessProblems("mutualChapUser", mutualChapUser, "mutualChapSecret", mutualChapSecret));
        problems.addAll(crossPairProblems());
        return problems;
    }

    private List<FieldProblem> crossPairProblems() {
        List<FieldProblem> problems = new ArrayList<>();
        boolean mutualGiven = mutualChapUser != null || mutualChapSecret != null;
        boolean chapGiven = chapUser != null || chapSecret != null;
        if (mutualGiven && !chapGiven) {
            problems.add(new FieldProblem("mutualChapUser", "mutual CHAP needs chapUser and chapSecret as well"));
        }
        if (chapSecret != null && chapSecret.equals(mutualChapSecret)) {
            problems.add(new FieldProblem("mutualChapSecret",
                    "must differ from chapSecret (RFC 7143 §12.1.3: one secret per direction)"));
        }
        return problems;
    }

    @Override
    public String toString() {
        return "ChapSettings[chapUser=" + chapUser + ", chapSecret=" + hidden(chapSecret)
                + ", mutualChapUser=" + mutualChapUser + ", mutualChapSecret=" + hidden(mutualChapSecret) + "]";
    }

    private static String hidden(String secret) {
        return secret == null ? "null" : "(hidden)";
    }
}
