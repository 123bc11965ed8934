package io.appliance.lvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every lvm2 wrapper shares: the argv prefix for this node, the command timeout, and
 * turning a failed run into the {@link LvmException} that tells the operator what to do.
 *
 * @param deviceMapperAvailable false on kernels without device-mapper (containers, the lab
 *                              machines): every tool then runs with {@code --driverloaded n}, so
 *                              lvm2 changes metadata only and never tries to activate anything
 */
record Lvm2Commands(CommandRunner runner, Duration timeout, boolean deviceMapperAvailable) {

    /** The argv of {@code tool} up to its own options. */
    List<String> argv(String tool) {
        List<String> argv = new ArrayList<>();
        argv.add(tool);
        if (!deviceMapperAvailable) {
            argv.add("--driverloaded");
            argv.add("n");
        }
        return argv;
    }

    /** Runs argv; a non-zero exit becomes the exception {@link Lvm2Errors} maps it to. */
    CommandResult run(List<String> argv, String pool) throws LvmException {
        CommandResult result = runner.run(List.copyOf(argv), timeout);
        if (!result.succeeded()) {
            throw Lvm2Errors.toException(argv, result, pool);
        }
        return result;
    }

    /** Runs argv and returns its result whatever the exit status. */
    CommandResult runAllowingFailure(List<String> argv) throws LvmException {
        return runner.run(List.copyOf(argv), timeout);
    }
}
