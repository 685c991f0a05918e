-- Reminders of the grains in the ring range (@BeginHash, @EndHash] when it does not wrap in signed order.
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
