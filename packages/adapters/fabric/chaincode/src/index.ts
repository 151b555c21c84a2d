/** `@medseal/fabric-chaincode`. @module */
export {}
