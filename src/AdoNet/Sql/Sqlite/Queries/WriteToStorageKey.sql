-- Optimistic write. Without an ETag (@GrainStateVersion NULL) only a new row may be created; with one, only the
-- row still at that version is replaced. Always one result row: the new version, or NULL when the ETag did not
-- match, which Orleans turns into InconsistentStateException. The new version is known without reading the row
-- again (1 for a new row, ETag + 1 for a replacement), so no other writer can slip in between.
INSERT INTO OrleansStorage
    (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, PayloadBinary, ModifiedOn, Version)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), @PayloadBinary,
       strftime('%Y-%m-%d %H:%M:%f', 'now'), 1
-- With an ETag the insert only serves to reach ON CONFLICT: it must not create a row that vanished.
WHERE @GrainStateVersion IS NULL
   OR EXISTS (
       SELECT 1 FROM OrleansStorage
       WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
         AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
         AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, ''))
ON CONFLICT (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO UPDATE
    SET PayloadBinary = excluded.PayloadBinary, ModifiedOn = excluded.ModifiedOn, Version = Version + 1
    WHERE Version = @GrainStateVersion;
SELECT CASE WHEN changes() > 0 THEN COALESCE(@GrainStateVersion + 1, 1) END AS NewGrainStateVersion;
