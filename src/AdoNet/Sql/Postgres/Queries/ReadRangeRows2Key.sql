-- Reminders of the grains in the ring range (@BeginHash, @EndHash] when it wraps around in signed order (or is
-- the whole ring, begin = end).
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
