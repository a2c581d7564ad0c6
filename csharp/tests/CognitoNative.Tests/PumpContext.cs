using System;
using System.Collections.Generic;
using System.Threading;

namespace CognitoNative.Tests
{
    /// <summary>
    /// A single-threaded <see cref="SynchronizationContext"/> like a game's or UI's main thread: work
    /// posted to it runs on its own thread, in order, only while it pumps.
    /// </summary>
    internal sealed class PumpContext : SynchronizationContext, IDisposable
    {
        private readonly Queue<KeyValuePair<SendOrPostCallback, object>> _queue =
            new Queue<KeyValuePair<SendOrPostCallback, object>>();
        private readonly Thread _thread;
        private bool _paused;
        private bool _stopped;
        private int _executed;

        public PumpContext()
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "pump" };
            _thread.Start();
        }

        public int ThreadId
        {
            get { return _thread.ManagedThreadId; }
        }

        /// <summary>Posted items run so far.</summary>
        public int Executed
        {
            get { return Volatile.Read(ref _executed); }
        }

        public override void Post(SendOrPostCallback d, object state)
        {
            lock (_queue)
            {
                _queue.Enqueue(new KeyValuePair<SendOrPostCallback, object>(d, state));
                Monitor.PulseAll(_queue);
            }
        }

        public override void Send(SendOrPostCallback d, object state)
        {
            if (Thread.CurrentThread == _thread)
            {
                d(state);
                return;
            }
            Exception failure = null;
            using (var done = new ManualResetEventSlim())
            {
                Post(s =>
                {
                    try
                    {
                        d(s);
                    }
                    catch (Exception e)
                    {
                        failure = e;
                    }
                    finally
                    {
                        done.Set();
                    }
                }, state);
                if (!done.Wait(TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException("the pump did not run the item");
                }
            }
            if (failure != null)
            {
                throw new AggregateException(failure);
            }
        }

        public override SynchronizationContext CreateCopy()
        {
            return this;
        }

        /// <summary>Stops running posted items (the "main thread" is busy) until <see cref="Resume"/>.</summary>
        public void Pause()
        {
            lock (_queue)
            {
                _paused = true;
            }
        }

        public void Resume()
        {
            lock (_queue)
            {
                _paused = false;
                Monitor.PulseAll(_queue);
            }
        }

        /// <summary>Waits until at least <paramref name="count"/> items ran in total.</summary>
        public bool WaitExecuted(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Executed < count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    return false;
                }
                Thread.Sleep(5);
            }
            return true;
        }

        public void Dispose()
        {
            lock (_queue)
            {
                _stopped = true;
                Monitor.PulseAll(_queue);
            }
            _thread.Join(TimeSpan.FromSeconds(10));
        }

        private void Loop()
        {
            SetSynchronizationContext(this);
            while (true)
            {
                KeyValuePair<SendOrPostCallback, object> item;
                lock (_queue)
                {
                    while (!_stopped && (_paused || _queue.Count == 0))
                    {
                        Monitor.Wait(_queue);
                    }
                    if (_stopped)
                    {
                        return;
                    }
                    item = _queue.Dequeue();
                }
                try
                {
                    item.Key(item.Value);
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine("pump: " + e);
                }
                Interlocked.Increment(ref _executed);
            }
        }
    }
}
