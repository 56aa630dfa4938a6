export default function DeliveryApp() { return null; }
