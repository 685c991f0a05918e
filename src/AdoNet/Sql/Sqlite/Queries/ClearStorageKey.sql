-- Clears a state but keeps its row and bumps its version, so a stale writer still conflicts afterwards.
-- One result row: the new version, or NULL on an ETag mismatch (Orleans: InconsistentStateException).
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = strftime('%Y-%m-%d %H:%M:%f', 'now'), Version = Version + 1
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
  AND Version = @GrainStateVersion;
SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
