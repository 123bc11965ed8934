package io.appliance.itest.harness;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints the log tail of every watched server when a test fails. It runs right after the test
 * method and before {@code @AfterEach}/{@code @AfterAll}, so the logs still exist then.
 *
 * <pre>{@code
 * @RegisterExtension static final ProcessLogsOnFailure LOGS = new ProcessLogsOnFailure();
 * ... LOGS.watch(appliance);
 * }</pre>
 */
public final class ProcessLogsOnFailure implements AfterTestExecutionCallback {

    private static final int TAIL_LINES = 80;

    private final List<LoggedProcess> watched = new CopyOnWriteArrayList<>();

    public <P extends LoggedProcess> P watch(P process) {
        watched.add(process);
        return process;
    }

    public void forget(LoggedProcess process) {
        watched.remove(process);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        for (LoggedProcess process : watched) {
            System.out.printf("%n===== %s failed: last %d lines of %s (%s) =====%n%s%n===== end of %s log =====%n",
                    context.getDisplayName(), TAIL_LINES, process.displayName(), process.logFile(),
                    process.logTail(TAIL_LINES), process.displayName());
        }
    }
}
