-- A grain's state and its version (the ETag). No row: never written. A row with NULL payload: cleared, and the
-- version still guards the next write.
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '');
