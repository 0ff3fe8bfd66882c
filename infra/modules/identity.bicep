// The function app's user-assigned managed identity. It is created before the app, and its roles
// (modules/roles.bicep) are assigned before the app exists, so the app never starts without access to its
// storage (a system-assigned identity only exists once the app does, and its first start would race its roles).

@description('Name of the identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output name string = identity.name
output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
