package io.appliance.cluster.kit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An executor that only queues: {@link #runAvailable()} runs the queued tasks on the caller's thread. A task the
 * {@code parked} predicate matches (a hung agent) is kept aside and never runs; cancelling its future drops it.
 */
public final class QueuedExecutorService extends AbstractExecutorService {

    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final List<ParkedTask> parked = new ArrayList<>();
    private final Predicate<Runnable> parks;
    private boolean shutdown;

    private record ParkedTask(Runnable original, FutureTask<?> future) {
    }

    public QueuedExecutorService(Predicate<Runnable> parks) {
        this.parks = parks;
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        queue.add(future);
        return future;
    }

    @Override
    public Future<?> submit(Runnable task) {
        FutureTask<Void> future = new FutureTask<>(task, null);
        if (parks.test(task)) {
            parked.add(new ParkedTask(task, future));
        } else {
            queue.add(future);
        }
        return future;
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new FutureTask<>(runnable, value);
    }

    @Override
    public void execute(Runnable command) {
        queue.add(command);
    }

    /** Runs everything queued (including what the tasks queue); true when something ran. */
    public boolean runAvailable() {
        boolean ran = false;
        Runnable next;
        while ((next = queue.poll()) != null) {
            next.run();
            ran = true;
        }
        parked.removeIf(task -> task.future().isCancelled());
        return ran;
    }

    public int parkedCount() {
        parked.removeIf(task -> task.future().isCancelled());
        return parked.size();
    }

    public void clear() {
        queue.clear();
        parked.clear();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> pending = new ArrayList<>(queue);
        queue.clear();
        return pending;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
