package org.gru4j.nn;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One thread at a time, checked: a module keeps its activations and workspaces between calls, so two threads inside
 * it at once would mix them and silently give wrong results. Instead the second thread is refused, loudly. A thread
 * may re-enter (a method that calls another of the same object).
 */
final class Exclusive {
    private final AtomicReference<Thread> user = new AtomicReference<>();
    private final String what, instead;

    /** @param instead what to do instead, for the message */
    Exclusive(String what, String instead) {
        this.what = what;
        this.instead = instead;
    }

    /** Takes the object for this thread; false when this thread already holds it (then do not {@link #exit}). */
    boolean enter() {
        Thread me = Thread.currentThread();
        if (user.compareAndSet(null, me)) return true;
        Thread other = user.get();
        if (other == me) return false;
        throw new IllegalStateException("this " + what + " is in use by thread '" + (other == null ? "?" : other.getName())
                + "' and was called from '" + me.getName() + "': it keeps workspaces between calls; " + instead);
    }

    void exit() {
        user.set(null);
    }
}
