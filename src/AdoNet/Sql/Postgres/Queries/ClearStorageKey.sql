-- Clears a state but keeps its row and bumps its version, so a stale writer still conflicts afterwards.
-- One result row: the new version, or NULL on an ETag mismatch (Orleans: InconsistentStateException).
WITH cleared AS (
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
    WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT (SELECT Version FROM cleared) AS NewGrainStateVersion;
