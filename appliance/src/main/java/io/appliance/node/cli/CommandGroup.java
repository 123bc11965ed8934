package io.appliance.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command with subcommands ({@code target}, {@code lun}, ...): run without one, it prints its
 * usage and fails. Gives the subcommands the root command (API client, output settings).
 */
abstract class CommandGroup implements Callable<Integer> {

    @ParentCommand
    ApplianceCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ApplianceCli.usage(spec);
    }
}
