-- Removes every reminder of the service.
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
