-- Removes a reminder only if it is still at the caller's version; returns 1 if removed, else 0.
DELETE FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version;
SELECT changes() AS Deleted;
