-- Clear with AdoNetGrainStorageOptions.DeleteStateOnClear: removes the row if it is still at the caller's version.
-- One result row: a value other than the ETag on success, NULL on an ETag mismatch.
DELETE FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
  AND Version = @GrainStateVersion;
SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
